// The feed of charged journeys (Journey events), newest first, one line per journey.
import { $, el, money, timeOf } from './dom.js';
import { siteName } from './network.js';

const FEED_LENGTH = 50;
/** Statuses the gateway counts as charged journeys (GET /api/stats). */
const CHARGED = new Set(['complete', 'no_exit', 'no_entry']);
const STATUS_TEXT = {
  complete: 'entry and exit',
  no_exit: 'no exit: highest fare from the entry',
  no_entry: 'no entry: highest fare to the exit',
};

/** Journeys on the page, and whether each is in the journey count. */
const counted = new Map();
/** Journeys re-priced after their first charge (a late passage paired them differently). */
const corrected = new Set();

function routeOf(journey) {
  if (journey.mode === 'bus') return siteName(journey.entryStationId);
  return `${siteName(journey.entryStationId)} → ${siteName(journey.exitStationId)}`;
}

function lineOf(journey) {
  const status = journey.mode === 'bus' ? 'boarded' : (STATUS_TEXT[journey.status] ?? journey.status);
  const note = corrected.has(journey.id) ? ' · corrected' : '';
  return el(
    'li',
    { title: journey.fareRule, dataset: { journeyId: journey.id, status: journey.status } },
    el('span', { className: 'route', textContent: routeOf(journey) }),
    el('span', { className: 'fare', textContent: money(journey.chargedMinor, journey.currency) }),
    el('span', { className: 'detail', textContent: `${timeOf(journey.endedAt ?? journey.startedAt)} · ${status}${note}` }),
  );
}

function place(journey) {
  const feed = $('journeys');
  feed.querySelector('.empty')?.remove();
  const shown = feed.querySelector(`[data-journey-id="${CSS.escape(journey.id)}"]`);
  if (journey.status === 'void') shown?.remove();
  else if (shown) shown.replaceWith(lineOf(journey));
  else feed.prepend(lineOf(journey));
  while (feed.children.length > FEED_LENGTH) feed.lastChild.remove();
}

/** Journeys charged before the page opened (already in the gateway's totals), oldest first. */
export function showEarlierJourneys(journeys) {
  for (const journey of journeys) {
    counted.set(journey.id, CHARGED.has(journey.status));
    place(journey);
  }
}

/**
 * A journey was charged, re-priced or voided: update its line, and return how the totals move.
 * An event that posted nothing for a journey not on the page (a rider just tapped in) is skipped.
 */
export function showJourney(journey) {
  if (!journey.postedMinor && !counted.has(journey.id)) return { journeys: 0, revenueMinor: 0 };
  // Charged before the page opened if money was already held for it.
  const wasCounted = counted.get(journey.id) ?? journey.chargedMinor - journey.postedMinor !== 0;
  const isCounted = CHARGED.has(journey.status);
  counted.set(journey.id, isCounted);
  if (journey.postedMinor && journey.chargedMinor !== journey.postedMinor) corrected.add(journey.id);
  place(journey);
  return { journeys: Number(isCounted) - Number(wasCounted), revenueMinor: journey.postedMinor };
}
