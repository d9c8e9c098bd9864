import assert from 'node:assert/strict';
import { faultScale, scenarioTimeoutMs } from '../../../faults/faultScale.js';
import { faultSeed, scenarioRandom } from '../../../faults/faultSeed.js';
import type { FaultRig } from '../../../faults/faultRig.js';
import { checkPassages, type CheckReport } from '../../../faults/passageChecker.js';
import type { RiderTraffic } from '../../../faults/riderTraffic.js';
import './closingLine.js';

export const seed = faultSeed();
export const scale = faultScale();

/** The scenario's time limit: smallMs at the small size, longer at full size. */
export const timeoutFor = (smallMs: number) => scenarioTimeoutMs(scale, smallMs);
console.log(`faults: seed ${seed} (FAULT_SEED=${seed} replays the schedule), scale ${scale.name}`);

export function randomFor(scenario: string) {
  return scenarioRandom(seed, scenario);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Passages without a journey, polled until the number holds still: pairing follows ingest. */
async function pairingSettled(rig: FaultRig, timeoutMs: number, untilNone: boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    const row = await rig.knex('passages').whereIn('lane_id', rig.sites.map((site) => site.id)).whereNull('journey_id').count({ n: '*' }).first();
    const count = Number(row?.n ?? 0);
    if (untilNone) {
      if (count === 0) return;
    } else if (count !== last) {
      last = count;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 1000) return;
    await sleep(200);
  }
}

/**
 * After the faults: let every outbox drain and pairing settle, then check the promise on what
 * lies on disk, print the numbers, and fail with the list of violations if there is any.
 */
export async function settleAndCheck(rig: FaultRig, traffic: RiderTraffic, label: string, extra: Record<string, unknown> = {}, options: { allPaired?: boolean } = {}): Promise<CheckReport> {
  const drained = await rig.drained(90_000);
  await pairingSettled(rig, 20_000, options.allPaired ?? false);
  const report = await checkPassages({ lanes: rig.lanes, knex: rig.knex, opened: traffic.opened, confirmedByDevices: traffic.confirmed });
  console.log(`      ${label} [seed ${seed}, ${scale.name}]: ${JSON.stringify({ ...extra, drained, ...report.numbers, scans: traffic.counters.scansSent, answered: traffic.counters.scansAnswered, outcomes: traffic.counters.outcomes })}`);
  if (report.violations.length > 0) console.log(report.violations.slice(0, 50).map((line) => `        ${line}`).join('\n'));
  assert.deepEqual(report.violations, [], `${report.violations.length} violations (seed ${seed})`);
  assert.ok(report.numbers.journalPassages > 0, 'no passage was recorded at all');
  if (options.allPaired) assert.equal(report.numbers.passagesAwaitingPairing, 0, 'passages left without a journey');
  return report;
}
