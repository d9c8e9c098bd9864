import assert from 'node:assert/strict';
import { between, pick } from '../../simulator/random.js';
import { FaultRig, type RigLane } from '../../faults/faultRig.js';
import { RiderTraffic } from '../../faults/riderTraffic.js';
import { randomFor, scale, settleAndCheck, sleep, timeoutFor } from './support/scenario.js';

/**
 * Where in a passage's life a kill lands: right after a gate opened (the rider's confirmation
 * reaches a dead lane and waits at the broker), right after a turnstile's confirmation was
 * acknowledged (journalled, not yet forwarded), or at an arbitrary moment (often mid-batch to the
 * gateway).
 */
const KILL_POINTS = ['afterOpen', 'afterConfirm', 'anytime'] as const;
type KillPoint = (typeof KILL_POINTS)[number];

describe('a lane controller killed between scan and gateway acknowledgement', function () {
  this.timeout(timeoutFor(300_000));
  const size = scale.laneKill;
  const random = randomFor('laneKill');
  let rig: FaultRig | undefined;
  let traffic: RiderTraffic | undefined;

  after(async () => {
    await traffic?.stop();
    await rig?.close();
  });

  /** Resolves at the next event of that kind at the lane, or after a few seconds regardless. */
  function nextAt(lane: RigLane, point: KillPoint): Promise<void> {
    if (point === 'anytime') return sleep(between(random, 100, 1500));
    const event = point === 'afterOpen' ? 'opened' : 'confirmed';
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, 5000);
      function done() {
        clearTimeout(timer);
        traffic!.off(event, listener);
        resolve();
      }
      function listener(at: { siteId: string }) {
        if (at.siteId === lane.siteId) done();
      }
      traffic!.on(event, listener);
    });
  }

  it(`when lane processes are SIGKILLed ${size.kills} times at seeded points, then each passage is charged exactly once and no gate opened without a journal record`, async () => {
    rig = await new FaultRig({ lanes: size.lanes, riders: size.riders, random }).start();
    traffic = new RiderTraffic(rig, { pauseMs: 30 });
    traffic.start();
    const points: Record<string, number> = {};
    for (let kill = 0; kill < size.kills; kill++) {
      const lane = pick(random, rig.lanes);
      const point = pick(random, KILL_POINTS);
      await sleep(between(random, 200, 800));
      await nextAt(lane, point);
      await lane.process.kill();
      points[point] = (points[point] ?? 0) + 1;
      await sleep(between(random, 50, 600));
      await lane.process.start();
    }
    await sleep(1500);
    await traffic.stop();
    const kills = rig.lanes.reduce((sum, lane) => sum + lane.process.kills, 0);
    await settleAndCheck(rig, traffic, 'lane kills', { kills, points });
    assert.equal(kills, size.kills);
  });
});
