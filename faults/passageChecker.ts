import type { Knex } from 'knex';
import { checkLedger } from '../gateway/ledger/consistencyChecks.js';
import { readLaneJournal, type LaneJournalSnapshot } from './laneJournalReader.js';

export interface CheckedLane {
  siteId: string;
  journalFile: string;
}

/** A gate command a simulated turnstile acted on by opening its flaps. */
export interface OpenedGate {
  siteId: string;
  deviceId: string;
  decisionId: string;
}

export interface CheckInput {
  lanes: CheckedLane[];
  /** The gateway's database, read only. */
  knex: Knex;
  /** Every opening the turnstiles acted on. */
  opened: OpenedGate[];
  /** Decision ids whose passage a turnstile reported and the broker acknowledged. */
  confirmedByDevices?: Array<{ siteId: string; decisionId: string }>;
}

export interface CheckNumbers {
  lanes: number;
  decisions: number;
  gatesOpened: number;
  confirmedByDevices: number;
  journalPassages: number;
  gatewayPassages: number;
  journeysPriced: number;
  journeysOpen: number;
  passagesAwaitingPairing: number;
  charges: number;
  chargedMinor: number;
}

export interface CheckReport {
  numbers: CheckNumbers;
  violations: string[];
}

type Row = Record<string, unknown>;
const asNumber = (value: unknown) => Number(value ?? 0);

/**
 * The promise a fault run must keep, read from what lies on disk after it: every lane journal
 * (SQLite) and the gateway database. Each violation is one line that starts with a stable code.
 *
 * - LOST_AT_LANE: a turnstile confirmed a passage the lane has no outbox row for;
 * - LANE_SEQ_GAP: a lane's outbox sequence is not exactly 1..N;
 * - REJECTED: the gateway refused a passage for good;
 * - MISSING_AT_GATEWAY / DIFFERENT_AT_GATEWAY / UNKNOWN_AT_GATEWAY: a confirmed passage is not at
 *   the gateway, is there under another sequence, or the gateway holds one the lane does not have;
 * - NOT_IN_JOURNEY / CHARGE_COUNT / CHARGE_AMOUNT / CHARGE_WITHOUT_PASSAGE: each priced journey is
 *   charged by exactly one charge posting, and what its postings put into revenue is its fare;
 * - OPENED_WITHOUT_JOURNAL: a gate opened on a command whose decision the lane never journalled;
 * - LEDGER: whatever checkLedger (gateway/ledger/consistencyChecks.ts) finds.
 */
export async function checkPassages(input: CheckInput): Promise<CheckReport> {
  const violations: string[] = [];
  const journals = input.lanes.map((lane) => readLaneJournal(lane.siteId, lane.journalFile));
  const journalBySite = new Map(journals.map((journal) => [journal.siteId, journal]));

  for (const journal of journals) checkSequence(journal, violations);
  checkDevicesAgainstJournals(input, journalBySite, violations);
  const gatewayPassages = await checkGatewayHoldsJournals(input.knex, journals, violations);
  const charges = await checkCharges(input.knex, gatewayPassages, violations);
  for (const problem of await checkLedger(input.knex)) violations.push(`LEDGER ${problem}`);

  return {
    numbers: {
      lanes: journals.length,
      decisions: journals.reduce((sum, journal) => sum + journal.decisions.size, 0),
      gatesOpened: input.opened.length,
      confirmedByDevices: input.confirmedByDevices?.length ?? 0,
      journalPassages: journals.reduce((sum, journal) => sum + journal.outbox.length, 0),
      gatewayPassages: gatewayPassages.length,
      ...charges,
    },
    violations,
  };
}

function checkSequence(journal: LaneJournalSnapshot, violations: string[]): void {
  journal.outbox.forEach((row, index) => {
    if (row.laneSeq !== index + 1) violations.push(`LANE_SEQ_GAP lane ${journal.siteId}: position ${index + 1} holds lane_seq ${row.laneSeq}`);
    if (row.state === 'rejected') violations.push(`REJECTED lane ${journal.siteId} seq ${row.laneSeq} passage ${row.passageId}: ${row.rejectCode}`);
  });
}

function checkDevicesAgainstJournals(input: CheckInput, journals: Map<string, LaneJournalSnapshot>, violations: string[]): void {
  for (const gate of input.opened) {
    const decision = journals.get(gate.siteId)?.decisions.get(gate.decisionId);
    if (!decision) violations.push(`OPENED_WITHOUT_JOURNAL gate ${gate.deviceId} opened for decision ${gate.decisionId} that lane ${gate.siteId} never journalled`);
    else if (decision.action !== 'open' || decision.deviceId !== gate.deviceId) violations.push(`OPENED_WITHOUT_JOURNAL gate ${gate.deviceId} opened for decision ${gate.decisionId}, journalled as ${decision.action} at ${decision.deviceId}`);
  }
  for (const confirmed of input.confirmedByDevices ?? []) {
    const journal = journals.get(confirmed.siteId);
    if (!journal?.outbox.some((row) => row.passageId === confirmed.decisionId)) {
      const decision = journal?.decisions.get(confirmed.decisionId);
      violations.push(`LOST_AT_LANE passage ${confirmed.decisionId} at ${confirmed.siteId} confirmed by its turnstile, journal state ${decision?.state ?? 'none'}`);
    }
  }
}

async function checkGatewayHoldsJournals(knex: Knex, journals: LaneJournalSnapshot[], violations: string[]): Promise<Row[]> {
  const all: Row[] = [];
  for (const journal of journals) {
    const rows: Row[] = await knex('passages').where({ lane_id: journal.siteId }).select('id', 'lane_seq', 'journey_id', 'received_at');
    all.push(...rows);
    const atGateway = new Map(rows.map((row) => [String(row.id), asNumber(row.lane_seq)]));
    const atLane = new Set(journal.outbox.map((row) => row.passageId));
    for (const row of journal.outbox) {
      if (row.state === 'rejected') continue;
      const seq = atGateway.get(row.passageId);
      if (seq === undefined) violations.push(`MISSING_AT_GATEWAY lane ${journal.siteId} seq ${row.laneSeq} passage ${row.passageId} (outbox state ${row.state})`);
      else if (seq !== row.laneSeq) violations.push(`DIFFERENT_AT_GATEWAY passage ${row.passageId}: lane_seq ${row.laneSeq} at the lane, ${seq} at the gateway`);
    }
    for (const id of atGateway.keys()) if (!atLane.has(id)) violations.push(`UNKNOWN_AT_GATEWAY passage ${id} of lane ${journal.siteId} is not in its journal`);
  }
  return all;
}

async function checkCharges(knex: Knex, passages: Row[], violations: string[]) {
  const passageIds = new Set(passages.map((row) => String(row.id)));
  const journeyIds = [...new Set(passages.map((row) => row.journey_id).filter((id): id is string => typeof id === 'string'))];
  const journeys: Row[] = [];
  for (let start = 0; start < journeyIds.length; start += 400) journeys.push(...(await knex('journeys').whereIn('id', journeyIds.slice(start, start + 400)).select('id', 'status', 'fare_minor', 'charged_minor', 'entry_passage_id', 'exit_passage_id')));
  const journeyById = new Map(journeys.map((journey) => [String(journey.id), journey]));
  const awaiting = passages.filter((row) => !row.journey_id).length;
  for (const row of passages) {
    if (!row.journey_id) continue;
    const journey = journeyById.get(String(row.journey_id));
    if (!journey || journey.status === 'void') violations.push(`NOT_IN_JOURNEY passage ${row.id} points at journey ${row.journey_id} (${journey?.status ?? 'missing'})`);
    else if (journey.entry_passage_id !== row.id && journey.exit_passage_id !== row.id) violations.push(`NOT_IN_JOURNEY passage ${row.id}: journey ${journey.id} names other passages`);
  }

  // Revenue per journey from charge and adjust postings, and the number of charge postings.
  const postings: Row[] = await knex('postings')
    .join('ledger_entries', 'ledger_entries.posting_id', 'postings.id')
    .join('accounts', 'accounts.id', 'ledger_entries.account_id')
    .where('accounts.kind', 'operator_revenue')
    .whereIn('postings.kind', ['charge', 'adjust'])
    .select('postings.id', 'postings.kind', 'postings.journey_id', 'postings.idempotency_key', 'ledger_entries.amount_minor');
  const revenue = new Map<string, number>();
  const chargeKeys = new Map<string, Set<string>>();
  let chargedMinor = 0;
  for (const posting of postings) {
    const journeyId = String(posting.journey_id);
    revenue.set(journeyId, (revenue.get(journeyId) ?? 0) + asNumber(posting.amount_minor));
    chargedMinor += asNumber(posting.amount_minor);
    if (posting.kind === 'charge') chargeKeys.set(journeyId, (chargeKeys.get(journeyId) ?? new Set()).add(String(posting.idempotency_key)));
    const journey = journeyById.get(journeyId);
    if (!journey || (!passageIds.has(String(journey.entry_passage_id)) && !passageIds.has(String(journey.exit_passage_id)))) {
      violations.push(`CHARGE_WITHOUT_PASSAGE posting ${posting.id} (${posting.idempotency_key}) charges journey ${journeyId}, which no stored passage belongs to`);
    }
  }
  let priced = 0;
  let open = 0;
  for (const journey of journeys) {
    const id = String(journey.id);
    const charges = chargeKeys.get(id)?.size ?? 0;
    if (journey.status === 'open' || journey.status === 'void') {
      open += journey.status === 'open' ? 1 : 0;
      if ((revenue.get(id) ?? 0) !== 0) violations.push(`CHARGE_AMOUNT journey ${id} is ${journey.status} but holds ${revenue.get(id)} of revenue`);
      continue;
    }
    priced++;
    if (charges !== 1) violations.push(`CHARGE_COUNT journey ${id} (${journey.status}) has ${charges} charge postings`);
    const posted = revenue.get(id) ?? 0;
    if (posted !== asNumber(journey.fare_minor)) violations.push(`CHARGE_AMOUNT journey ${id} (${journey.status}): fare ${asNumber(journey.fare_minor)}, revenue posted ${posted}`);
  }
  return { journeysPriced: priced, journeysOpen: open, passagesAwaitingPairing: awaiting, charges: [...chargeKeys.values()].reduce((sum, keys) => sum + keys.size, 0), chargedMinor };
}
