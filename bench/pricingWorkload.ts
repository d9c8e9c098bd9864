import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { DEMO_SITES } from '../demo/network.js';
import { accountId } from '../gateway/ledger/accounts.js';
import { uuidv7 } from '../protocol/ids.js';
import type { PassageBatch, PassageRecord } from '../protocol/laneApi.js';
import type { Direction } from '../protocol/messages.js';
import type { RandomSource } from '../simulator/random.js';

const MIN = 60_000;
const CHUNK = 400;
const METRO = DEMO_SITES.filter((site) => site.mode === 'metro');
const BUSES = DEMO_SITES.filter((site) => site.mode === 'bus');

/** How a bench rider pays: most top up, some travel on pay-later only, some have a family payer, some cannot pay (arrears). */
export type FundingProfile = 'wallet' | 'pay_later' | 'family_member' | 'unfunded';

export interface BenchRider {
  riderId: string;
  tokenId: string;
  profile: FundingProfile;
}

function profileOf(index: number): FundingProfile {
  const slot = index % 20;
  return slot === 0 ? 'family_member' : slot === 1 ? 'unfunded' : slot < 4 ? 'pay_later' : 'wallet';
}

async function insertChunked(trx: Knex.Transaction, table: string, rows: Array<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await trx(table).insert(rows.slice(i, i + CHUNK));
}

/**
 * Riders with one phone and token each and their funds, inserted in bulk (what registration,
 * enrolment and top-ups would have left): wallet top-ups as balanced topup postings, pay-later
 * lines, and family links (the member of slot 0 is paid for by the wallet rider of slot 5).
 */
export function benchRiders(count: number): BenchRider[] {
  return Array.from({ length: count }, (_, index) => ({ riderId: uuidv7(), tokenId: randomBytes(16).toString('hex'), profile: profileOf(index) }));
}

export async function seedBenchRiders(knex: Knex, riders: BenchRider[], nowMs: number, currency: string): Promise<BenchRider[]> {
  const funding = accountId('external_funding', 'payments', currency);
  await knex.transaction(async (trx) => {
    await trx('accounts').insert({ id: funding, kind: 'external_funding', owner_id: 'payments', currency }).onConflict('id').ignore();
    await insertChunked(trx, 'riders', riders.map((rider, index) => ({
      id: rider.riderId, name: `Bench rider ${index}`, status: 'active', currency, fare_class: 0, created_at: nowMs,
      pay_later_limit_minor: rider.profile === 'pay_later' ? 3_000 : 0,
    })));
    const phones = riders.map((rider) => ({ id: uuidv7(), rider_id: rider.riderId, algorithm: 'ed25519', public_key: randomBytes(32).toString('base64url'), created_at: nowMs }));
    await insertChunked(trx, 'phones', phones);
    await insertChunked(trx, 'tokens', riders.map((rider, index) => ({ id: rider.tokenId, phone_id: phones[index].id, rider_id: rider.riderId, created_at: nowMs })));
    await insertChunked(trx, 'accounts', riders.map((rider) => ({ id: accountId('rider_wallet', rider.riderId, currency), kind: 'rider_wallet', owner_id: rider.riderId, currency })));
    const funded = riders.filter((rider) => rider.profile === 'wallet');
    const postings = funded.map((rider) => ({ id: uuidv7(), idempotency_key: `topup:${rider.riderId}:bench`, kind: 'topup', rider_id: rider.riderId, currency, created_at: nowMs, description: 'Top-up bench' }));
    await insertChunked(trx, 'postings', postings);
    await insertChunked(trx, 'ledger_entries', funded.flatMap((rider, index) => [
      { posting_id: postings[index].id, account_id: funding, amount_minor: -20_000 },
      { posting_id: postings[index].id, account_id: accountId('rider_wallet', rider.riderId, currency), amount_minor: 20_000 },
    ]));
    const links = riders.flatMap((rider, index) => (rider.profile === 'family_member' && riders[index + 5] ? [{ member_rider_id: rider.riderId, payer_rider_id: riders[index + 5].riderId, monthly_limit_minor: 1_500, created_at: nowMs }] : []));
    await insertChunked(trx, 'family_links', links);
  });
  return riders;
}

interface Tap {
  tokenId: string;
  stationId: string;
  direction: Direction;
  passedAt: number;
}

/**
 * One business day per rider: a morning metro trip and a bus boarded 5-25 min after its exit (a
 * transfer), a midday and an evening metro trip (the third usually reaches the daily cap), and
 * for every other rider an evening bus. Returns 4 or 5 journeys per rider.
 */
export function riderDay(rider: BenchRider, dayStartMs: number, random: RandomSource): { taps: Tap[]; journeys: number } {
  const taps: Tap[] = [];
  const station = (list: typeof METRO) => list[Math.floor(random() * list.length)].id;
  const trip = (startMs: number) => {
    const from = station(METRO);
    let to = station(METRO);
    if (to === from) to = METRO[(METRO.findIndex((site) => site.id === from) + 3) % METRO.length].id;
    const endMs = startMs + Math.round((8 + random() * 30) * MIN);
    taps.push({ tokenId: rider.tokenId, stationId: from, direction: 'entry', passedAt: startMs }, { tokenId: rider.tokenId, stationId: to, direction: 'exit', passedAt: endMs });
    return endMs;
  };
  const board = (atMs: number) => taps.push({ tokenId: rider.tokenId, stationId: station(BUSES), direction: 'board', passedAt: atMs });
  const at = (hour: number, spreadH: number) => dayStartMs + Math.round((hour + random() * spreadH) * 60 * MIN);
  board(trip(at(7, 2)) + Math.round((5 + random() * 20) * MIN));
  trip(at(12, 1.5));
  trip(at(17, 2));
  const eveningBus = random() < 0.5;
  if (eveningBus) board(at(20, 2));
  return { taps, journeys: eveningBus ? 5 : 4 };
}

/**
 * The taps as lanes forward them (one lane per station): each lane numbers its passages in
 * order and sends a batch when it holds maxBatch, or when its oldest unsent passage is
 * maxWaitMs old; batches come out in the order they are sent. A trip's exit is usually in a
 * later batch than its entry, sometimes in an earlier one (another lane sent first).
 */
export function laneBatches(taps: Tap[], maxBatch: number, maxWaitMs: number): Array<{ sentAt: number; batch: PassageBatch }> {
  const out: Array<{ sentAt: number; batch: PassageBatch }> = [];
  const buffers = new Map<string, PassageRecord[]>();
  const seqs = new Map<string, number>();
  const flush = (laneId: string, sentAt: number) => {
    const passages = buffers.get(laneId) ?? [];
    if (passages.length) out.push({ sentAt, batch: { laneId, passages } });
    buffers.set(laneId, []);
  };
  for (const tap of [...taps].sort((a, b) => a.passedAt - b.passedAt)) {
    for (const [laneId, buffered] of buffers) if (buffered.length && tap.passedAt - buffered[0].passedAt >= maxWaitMs) flush(laneId, buffered[0].passedAt + maxWaitMs);
    const laneSeq = (seqs.get(tap.stationId) ?? 0) + 1;
    seqs.set(tap.stationId, laneSeq);
    const site = DEMO_SITES.find((candidate) => candidate.id === tap.stationId)!;
    const buffer = buffers.get(tap.stationId) ?? [];
    buffers.set(tap.stationId, buffer);
    buffer.push({
      id: uuidv7(), laneId: tap.stationId, laneSeq, stationId: tap.stationId, deviceId: site.deviceIds[0], mode: site.mode, direction: tap.direction,
      tokenId: tap.tokenId, keyId: 1, fareClass: 0, decidedAt: tap.passedAt - 300, passedAt: tap.passedAt, tailgate: false, trustStale: false,
    });
    if (buffer.length >= maxBatch) flush(tap.stationId, tap.passedAt);
  }
  const last = taps.reduce((latest, tap) => Math.max(latest, tap.passedAt), 0);
  for (const laneId of [...buffers.keys()]) flush(laneId, last + maxWaitMs);
  return out.sort((a, b) => a.sentAt - b.sentAt);
}
