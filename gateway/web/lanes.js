// Lanes and devices: the lanes' reports to the gateway (GET /api/lanes, then lane events with
// source "report") and their retained MQTT statuses (lane events with `site`), aged every second.
import { $, age, el, timeOf } from './dom.js';

const STATE_TEXT = { current: 'current', trust_stale: 'trust stale', silent: 'silent', offline: 'offline', waiting: 'no report yet' };
const lanes = new Map();
const limits = { laneSilentAfterMs: 60_000, trustStaleAfterMs: 300_000, deviceSilentAfterMs: 30_000 };

export function configureLanes(options) {
  Object.assign(limits, options);
}

/** A lane report (from /api/lanes or the stream) or a lane's MQTT status. */
export function showLane(event) {
  const id = event.laneId ?? event.site;
  if (!id) return;
  const lane = lanes.get(id) ?? { id };
  const now = Date.now();
  if (event.laneId) {
    // Ages are kept as the browser time they started at, so they grow between reports.
    lane.report = event;
    lane.reportSeenAt = now - (event.reportAgeMs ?? 0);
    lane.trust = { ageMs: event.trustAgeMs, at: lane.reportSeenAt, version: event.trustVersion };
    lane.outbox = event.outboxBacklog;
    lane.devices = (event.devices ?? []).map((device) => ({ ...device, seenAt: now - (device.lastSeenAgeMs ?? 0) }));
    if (lane.online === false && lane.statusSeenAt < lane.reportSeenAt) lane.online = true;
  } else {
    lane.online = event.online;
    lane.statusSeenAt = now;
    if (event.trustVersion !== undefined) lane.trust = { ageMs: event.trustAgeMs ?? null, at: now, version: event.trustVersion };
    if (event.outboxBacklog !== undefined) lane.outbox = event.outboxBacklog;
  }
  lanes.set(id, lane);
  renderLanes();
}

const trustAgeOf = (lane, now) => (lane.trust && lane.trust.ageMs !== null && lane.trust.ageMs !== undefined ? lane.trust.ageMs + (now - lane.trust.at) : null);

/** The rules of gateway/lanes/laneReports.ts, applied as time passes. */
function stateOf(lane, now) {
  if (lane.online === false) return 'offline';
  if (!lane.report) return 'waiting';
  if (now - lane.reportSeenAt > limits.laneSilentAfterMs) return 'silent';
  const trustAge = trustAgeOf(lane, now);
  return trustAge === null || trustAge > limits.trustStaleAfterMs ? 'trust_stale' : 'current';
}

function deviceStateOf(device, now) {
  if (device.online === false) return 'offline';
  return now - device.seenAt > limits.deviceSilentAfterMs ? 'silent' : 'online';
}

const ms = (value) => (value === null || value === undefined ? '–' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`);

function laneRow(lane, now) {
  const state = stateOf(lane, now);
  const report = lane.report;
  const activity = report?.activity;
  const decisions = report?.decisions;
  const trustAge = trustAgeOf(lane, now);
  return el(
    'tr',
    { dataset: { lane: lane.id, state } },
    el('th', { scope: 'row', textContent: lane.id }),
    el('td', { className: `state state-${state}`, textContent: STATE_TEXT[state] ?? state }),
    el('td', { className: 'num report-age', textContent: report ? age(now - lane.reportSeenAt) : '–' }),
    el('td', { className: 'num trust', textContent: trustAge === null ? 'never' : `${age(trustAge)} · v${lane.trust.version}` }),
    el('td', { className: 'num outbox', textContent: lane.outbox ?? '–' }),
    el('td', { className: 'num rate', textContent: activity ? activity.decisions : '–' }),
    el('td', { className: 'num latency', textContent: activity ? `${ms(activity.latencyP50Ms)} / ${ms(activity.latencyP99Ms)}` : '–' }),
    el('td', { className: 'num counts', textContent: decisions ? `${decisions.opened} · ${decisions.denied} · ${decisions.passed}` : '–' }),
  );
}

/** Devices in trouble first (offline, silent, then with a fault), then by lane and id. */
const TROUBLE = { offline: 0, silent: 1 };

function deviceRows(sorted, now) {
  const devices = sorted.flatMap((lane) => (lane.devices ?? []).map((device) => ({ lane, device, state: deviceStateOf(device, now) })));
  const rank = ({ device, state }) => TROUBLE[state] ?? (device.lastFault ? 2 : 3);
  devices.sort((a, b) => rank(a) - rank(b) || a.lane.id.localeCompare(b.lane.id) || a.device.deviceId.localeCompare(b.device.deviceId));
  const counts = {};
  for (const { state } of devices) counts[state] = (counts[state] ?? 0) + 1;
  const summary = devices.length ? `${devices.length} devices: ${Object.entries(counts).map(([state, count]) => `${count} ${state}`).join(', ')}` : '';
  if ($('device-summary').textContent !== summary) $('device-summary').textContent = summary;
  return devices.map(({ lane, device, state }) => {
    const fault = device.lastFault ? `${device.lastFault.code} (${device.lastFault.severity}) at ${timeOf(device.lastFault.at)}` : '–';
    return el(
      'tr',
      { dataset: { deviceRow: device.deviceId, state } },
      el('td', { textContent: lane.id }),
      el('th', { scope: 'row', textContent: device.deviceId }),
      el('td', { textContent: device.kind ?? '?' }),
      el('td', { className: `state state-${state}`, textContent: state }),
      el('td', { className: 'num', textContent: age(now - device.seenAt) }),
      el('td', { className: device.lastFault ? 'state-warn' : '', textContent: fault }),
    );
  });
}

/** The site card's line under its gates. */
function showOnCard(lane, state) {
  const card = document.querySelector(`#site-${CSS.escape(lane.id)} .state`);
  if (!card) return;
  card.className = `state state-${state}`;
  const details = `outbox ${lane.outbox ?? 0} · trust v${lane.trust?.version ?? '?'}`;
  card.textContent = state === 'offline' ? 'lane offline' : state === 'current' ? details : `lane ${STATE_TEXT[state]} · ${details}`;
  card.title = 'outbox: passages waiting to reach the gateway; trust: version of the keys and deny list the lane holds';
}

export function renderLanes() {
  if (!lanes.size) return;
  const now = Date.now();
  const sorted = [...lanes.values()].sort((a, b) => a.id.localeCompare(b.id));
  for (const lane of sorted) showOnCard(lane, stateOf(lane, now));
  $('lanes').tBodies[0].replaceChildren(...sorted.map((lane) => laneRow(lane, now)));
  const devices = deviceRows(sorted, now);
  if (devices.length) $('devices').tBodies[0].replaceChildren(...devices);
}
