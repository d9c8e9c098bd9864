// The console's live page (/console): the network and totals over HTTP, then every change from
// the /api/live stream (docs/api.md): gate decisions, lane and device health and charged
// journeys, without reloading. The gateway sends an operator's staff only their own.
import { $, el, money, words } from './dom.js';
import { showEarlierJourneys, showJourney } from './journeys.js';
import { configureLanes, renderLanes, showLane } from './lanes.js';
import { showDecision, showSites } from './network.js';

const EARLIER_JOURNEYS = 20;
const root = $('live');
/** The signed-in staff's operator; empty for the network's own staff, who see every operator. */
const ownOperator = root.dataset.operator || undefined;
const totals = { decisions: [], opened: 0, denied: 0, reasons: new Map(), journeys: 0, revenueMinor: 0, currency: 'EUR' };

configureLanes({
  laneSilentAfterMs: Number(root.dataset.laneSilentAfterMs),
  trustStaleAfterMs: Number(root.dataset.trustStaleAfterMs),
  deviceSilentAfterMs: Number(root.dataset.deviceSilentAfterMs),
});

async function getJson(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return response.json();
}

async function loadTotals() {
  const stats = await getJson('/api/stats');
  Object.assign(totals, { journeys: stats.journeysCharged, revenueMinor: stats.revenueMinor, currency: stats.currency });
  renderCounters();
}

async function loadNetwork() {
  const network = await getJson('/api/network');
  const mine = (operatorId) => ownOperator === undefined || operatorId === ownOperator;
  // Toll plazas and gantries have no gates to light: their lanes and devices are in the tables.
  showSites(network.stations.filter((site) => mine(site.operatorId) && site.mode !== 'toll'));
  await loadTotals();
  const operators = network.operators.filter((operator) => mine(operator.id));
  const perOperator = await Promise.all(operators.map((operator) => getJson(`/api/operators/${encodeURIComponent(operator.id)}/journeys?limit=${EARLIER_JOURNEYS}`)));
  const charged = perOperator.flatMap((answer) => answer.journeys).filter((journey) => journey.status !== 'open');
  const byEnd = (journey) => journey.endedAt ?? journey.startedAt;
  showEarlierJourneys(charged.sort((a, b) => byEnd(a) - byEnd(b)).slice(-EARLIER_JOURNEYS));
  for (const lane of (await getJson('/api/lanes')).lanes) showLane(lane);
}

function onDecision(decision) {
  totals.decisions.push(Date.now());
  if (decision.action === 'open') totals.opened += 1;
  else {
    totals.denied += 1;
    const reason = decision.reason ?? 'DENIED';
    totals.reasons.set(reason, (totals.reasons.get(reason) ?? 0) + 1);
    renderReasons();
  }
  showDecision(decision);
  renderCounters();
}

function onJourney(journey) {
  const change = showJourney(journey);
  totals.journeys += change.journeys;
  totals.revenueMinor += change.revenueMinor;
  renderCounters();
}

function renderReasons() {
  const sorted = [...totals.reasons.entries()].sort((a, b) => b[1] - a[1]);
  $('deny-reasons').replaceChildren(...sorted.map(([reason, count]) => el('li', { title: reason, dataset: { reason } }, `${words(reason)} `, el('b', { textContent: count }))));
}

function renderCounters() {
  const minuteAgo = Date.now() - 60_000;
  while (totals.decisions.length && totals.decisions[0] < minuteAgo) totals.decisions.shift();
  $('c-rate').textContent = totals.decisions.length;
  $('c-opened').textContent = totals.opened;
  $('c-denied').textContent = totals.denied;
  $('c-journeys').textContent = totals.journeys;
  $('c-revenue').textContent = money(totals.revenueMinor, totals.currency);
}

function showConnection(text, state) {
  Object.assign($('connection'), { textContent: text, className: `pill ${state}` });
}

function connect() {
  const source = new EventSource('/api/live');
  let dropped = false;
  source.onopen = () => {
    showConnection('live', 'on');
    // Journeys charged while the stream was down are in the gateway's totals only.
    if (dropped) loadTotals().catch(() => {});
    dropped = false;
  };
  source.onerror = () => {
    dropped = true;
    showConnection('reconnecting…', 'off');
  };
  source.addEventListener('decision', (event) => onDecision(JSON.parse(event.data)));
  source.addEventListener('journey', (event) => onJourney(JSON.parse(event.data)));
  source.addEventListener('lane', (event) => showLane(JSON.parse(event.data)));
}

setInterval(renderCounters, 5000);
// Ages and states move on with time, between reports too.
setInterval(renderLanes, 1000);
loadNetwork()
  .catch((error) => Object.assign($('problem'), { hidden: false, textContent: `Could not load the network: ${error.message}` }))
  .finally(connect);
