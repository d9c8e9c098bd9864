// The live page: the network from /api/network, then everything else from the /api/live stream.
const $ = (id) => document.getElementById(id);
const state = { sites: new Map(), gates: new Map(), decisions: [], opened: 0, denied: 0, reasons: new Map(), journeys: 0, revenueMinor: 0, currency: 'EUR', lanes: new Map() };
const money = (minor) => (minor / 100).toFixed(2);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  Object.assign(node, attrs);
  node.append(...children);
  return node;
};

async function loadNetwork() {
  const network = await (await fetch('/api/network')).json();
  for (const site of network.stations) {
    state.sites.set(site.id, site);
    const gates = el('div', { className: 'gates' });
    for (const deviceId of site.deviceIds) {
      const gate = el('div', { className: 'gate', title: deviceId, textContent: deviceId.split('-').pop() });
      state.gates.set(deviceId, gate);
      gates.append(gate);
    }
    const card = el('div', { className: 'site', id: `site-${site.id}` }, el('h3', {}, `${site.name} `, el('small', { textContent: site.id })), gates, el('div', { className: 'state', textContent: 'no report yet' }));
    $(site.mode === 'bus' ? 'buses' : 'stations').append(card);
  }
  const stats = await (await fetch('/api/stats')).json();
  Object.assign(state, { journeys: stats.journeysCharged, revenueMinor: stats.revenueMinor, currency: stats.currency });
  for (const lane of (await (await fetch('/api/lanes')).json()).lanes) showLane(lane);
  renderCounters();
}

function onDecision(decision) {
  state.decisions.push(Date.now());
  const gate = state.gates.get(decision.device);
  if (decision.action === 'open') state.opened += 1;
  else {
    state.denied += 1;
    const reason = decision.reason ?? 'DENIED';
    state.reasons.set(reason, (state.reasons.get(reason) ?? 0) + 1);
    renderReasons();
  }
  if (gate) {
    gate.className = `gate ${decision.action === 'open' ? 'open' : 'deny'}`;
    gate.textContent = decision.action === 'open' ? 'OPEN' : (decision.reason ?? 'DENY').replaceAll('_', ' ').toLowerCase();
    clearTimeout(gate.resetTimer);
    gate.resetTimer = setTimeout(() => {
      gate.className = 'gate';
      gate.textContent = gate.title.split('-').pop();
    }, 1500);
  }
  renderCounters();
}

function onJourney(journey) {
  if (!journey.postedMinor) return;
  if (['complete', 'no_exit', 'no_entry'].includes(journey.status) && journey.chargedMinor === journey.postedMinor) state.journeys += 1;
  state.revenueMinor += journey.postedMinor;
  const name = (id) => (id ? (state.sites.get(id)?.name ?? id) : '?');
  const route = journey.mode === 'bus' ? name(journey.entryStationId) : `${name(journey.entryStationId)} → ${name(journey.exitStationId)}`;
  const feed = $('journeys');
  feed.querySelector('.muted')?.remove();
  feed.prepend(el('li', { title: journey.fareRule }, el('span', {}, route, el('br'), el('span', { className: 'status', textContent: journey.status.replace('_', ' ') })), el('span', { className: 'fare', textContent: `${money(journey.postedMinor)} ${journey.currency}` })));
  while (feed.children.length > 50) feed.lastChild.remove();
  renderCounters();
}

function showLane(lane) {
  const id = lane.laneId ?? lane.site;
  const known = { ...(state.lanes.get(id) ?? {}), ...lane };
  state.lanes.set(id, known);
  const card = document.querySelector(`#site-${CSS.escape(id)} .state`);
  if (card) {
    const offline = known.online === false;
    card.className = `state ${offline ? 'offline' : known.staleness === 'trust_stale' ? 'stale' : ''}`;
    card.textContent = offline ? 'lane offline' : `outbox ${known.outboxBacklog ?? 0} · trust v${known.trustVersion ?? '?'}`;
  }
  const body = $('lanes').tBodies[0];
  body.replaceChildren(
    ...[...state.lanes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([laneId, l]) => {
      const staleness = l.online === false ? 'silent' : (l.staleness ?? 'current');
      const trustAge = l.trustAgeMs == null ? 'never' : `${Math.round(l.trustAgeMs / 1000)} s`;
      return el('tr', {}, el('td', { textContent: laneId }), el('td', { className: staleness, textContent: staleness.replace('_', ' ') }), el('td', { textContent: trustAge }), el('td', { textContent: l.outboxBacklog ?? '–' }));
    }),
  );
}

function renderReasons() {
  $('deny-reasons').replaceChildren(...[...state.reasons.entries()].sort((a, b) => b[1] - a[1]).map(([reason, count]) => el('li', { textContent: `${reason} · ${count}` })));
}

function renderCounters() {
  const minuteAgo = Date.now() - 60_000;
  while (state.decisions.length && state.decisions[0] < minuteAgo) state.decisions.shift();
  $('c-rate').textContent = state.decisions.length;
  $('c-opened').textContent = state.opened;
  $('c-denied').textContent = state.denied;
  $('c-journeys').textContent = state.journeys;
  $('c-revenue').textContent = `${money(state.revenueMinor)} ${state.currency}`;
}

function connect() {
  const source = new EventSource('/api/live');
  source.onopen = () => Object.assign($('connection'), { textContent: 'live', className: 'pill on' });
  source.onerror = () => Object.assign($('connection'), { textContent: 'reconnecting…', className: 'pill off' });
  source.addEventListener('decision', (event) => onDecision(JSON.parse(event.data)));
  source.addEventListener('journey', (event) => onJourney(JSON.parse(event.data)));
  source.addEventListener('lane', (event) => showLane(JSON.parse(event.data)));
}

setInterval(renderCounters, 5000);
loadNetwork().finally(connect);
