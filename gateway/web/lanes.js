// Lane health: MQTT lane statuses and the lanes' reports to the gateway (lane events).
import { $, el } from './dom.js';

const lanes = new Map();
const STATE_TEXT = { current: 'current', trust_stale: 'trust stale', silent: 'silent', offline: 'offline' };

function stateOf(lane) {
  if (lane.online === false) return 'offline';
  return lane.staleness ?? 'current';
}

const trustAge = (lane) => (lane.trustAgeMs == null ? 'never' : `${Math.round(lane.trustAgeMs / 1000)} s`);

export function showLane(report) {
  const id = report.laneId ?? report.site;
  const lane = { ...(lanes.get(id) ?? {}), ...report };
  lanes.set(id, lane);
  const state = stateOf(lane);
  const card = document.querySelector(`#site-${CSS.escape(id)} .state`);
  if (card) {
    card.className = `state ${state}`;
    const details = `outbox ${lane.outboxBacklog ?? 0} · trust v${lane.trustVersion ?? '?'}`;
    card.textContent = state === 'offline' ? 'lane offline' : state === 'current' ? details : `lane ${STATE_TEXT[state]} · ${details}`;
    card.title = 'outbox: passages waiting to reach the gateway; trust: version of the keys and deny list the lane holds';
  }
  $('lanes').tBodies[0].replaceChildren(
    ...[...lanes.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([laneId, known]) => {
        const knownState = stateOf(known);
        return el(
          'tr',
          {},
          el('th', { scope: 'row', textContent: laneId }),
          el('td', { className: knownState, textContent: STATE_TEXT[knownState] ?? knownState }),
          el('td', { textContent: trustAge(known) }),
          el('td', { textContent: known.outboxBacklog ?? '–' }),
        );
      }),
  );
}
