// The stations and buses with their gates, and each gate's latest decision (LaneDecision events).
import { $, el, timeOf, words } from './dom.js';

/** How long a gate stays lit after a decision. */
const FLASH_MS = 3000;
const WAYS = { entry: 'in', exit: 'out', board: 'board' };

const sites = new Map();
const gates = new Map();

export const siteName = (id) => (id ? (sites.get(id)?.name ?? id) : '?');

const commonPrefix = (ids) => {
  let n = 0;
  while (ids.every((id) => n < id.length && id[n] === ids[0][n])) n += 1;
  return ids[0].slice(0, n);
};

const commonSuffix = (ids) => {
  let n = 0;
  while (ids.every((id) => n < id.length && id.at(-1 - n) === ids[0].at(-1 - n))) n += 1;
  return ids[0].slice(ids[0].length - n);
};

/** Short names of a site's devices: the part of the ids they do not share ("G1" of "M1-03-G1"). */
function deviceLabels(site) {
  const ids = site.deviceIds;
  if (ids.length < 2) return new Map(ids.map((id) => [id, site.mode === 'bus' ? 'validator' : 'gate']));
  const prefix = commonPrefix(ids).replace(/[^-]*$/, '');
  const suffix = commonSuffix(ids).replace(/^[^-]*/, '');
  return new Map(ids.map((id) => [id, id.slice(prefix.length, id.length - suffix.length) || id]));
}

export function showSites(list) {
  for (const site of list) {
    sites.set(site.id, site);
    const labels = deviceLabels(site);
    const row = el('div', { className: 'gates' });
    for (const deviceId of site.deviceIds) {
      const label = labels.get(deviceId);
      const gate = el('div', { className: 'gate', role: 'img', title: deviceId, dataset: { device: deviceId } }, el('span', { textContent: label }));
      gate.setAttribute('aria-label', `${label}: no decision yet`);
      gates.set(deviceId, { node: gate, label, site });
      row.append(gate);
    }
    const card = el(
      'article',
      { className: 'site', id: `site-${site.id}` },
      el('h3', {}, el('span', { textContent: site.name }), ' ', el('small', { textContent: site.id })),
      row,
      el('p', { className: 'last', textContent: 'waiting for a rider' }),
      el('p', { className: 'state', textContent: 'lane: no report yet' }),
    );
    $(site.mode === 'bus' ? 'buses' : 'stations').append(card);
  }
}

/** Light the gate that decided, and write the decision under the site's gates. */
export function showDecision(decision) {
  const gate = gates.get(decision.device);
  if (!gate) return;
  const way = WAYS[decision.direction] ?? decision.direction;
  const opened = decision.action === 'open';
  const reason = words(decision.reason ?? 'DENIED');
  // "G2 in · opened", "validator · boarded", "G3 out · ✕ code already used"
  const said = (denied) => (decision.direction === 'board' ? ` · ${opened ? 'boarded' : denied}` : ` ${way} · ${opened ? 'opened' : denied}`);
  const { node } = gate;
  node.className = `gate ${opened ? 'open' : 'deny'}`;
  node.dataset.action = decision.action;
  node.dataset.direction = decision.direction;
  node.firstChild.textContent = opened ? `✓ ${way}` : '✕';
  node.setAttribute('aria-label', `${gate.label}${said(`denied: ${reason}`)} at ${timeOf(decision.ts)}`);
  clearTimeout(node.resetTimer);
  node.resetTimer = setTimeout(() => {
    node.className = 'gate';
    node.firstChild.textContent = gate.label;
  }, FLASH_MS);
  const last = document.querySelector(`#site-${CSS.escape(gate.site.id)} .last`);
  last.className = `last ${opened ? 'open' : 'deny'}`;
  last.replaceChildren(el('b', { textContent: gate.label }), said(`✕ ${reason}`));
}
