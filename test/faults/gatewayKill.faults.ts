import assert from 'node:assert/strict';
import { between } from '../../simulator/random.js';
import { FaultRig } from '../../faults/faultRig.js';
import { RiderTraffic } from '../../faults/riderTraffic.js';
import { randomFor, scale, settleAndCheck, sleep, timeoutFor } from './support/scenario.js';

describe('the gateway process killed during ingest', function () {
  this.timeout(timeoutFor(600_000));
  const size = scale.gatewayKill;
  const random = randomFor('gatewayKill');
  let rig: FaultRig | undefined;
  let traffic: RiderTraffic | undefined;

  after(async () => {
    await traffic?.stop();
    await rig?.close();
  });

  it(`when the gateway is SIGKILLed ${size.kills} times while lanes forward passages, and started again, then every passage is stored and charged exactly once`, async () => {
    rig = await new FaultRig({
      lanes: size.lanes, riders: size.riders, random, gatewayAsProcess: true,
      // Small batches often: most kills then land while a batch is being stored or paired.
      laneEnv: { LANE_OUTBOX_LINGER_MS: '20' },
      // Pairing cut short by a kill is redone by the restarted gateway's exception sweeper; an exit
      // waits unpairedExitHoldS for it (1 h by default), here 3 s, so the run sees every passage charged.
      gateway: { sweepIntervalMs: 1000, unpairedExitHoldS: 3 },
    }).start();
    const gateway = rig.gatewayNode!;
    traffic = new RiderTraffic(rig, { pauseMs: 20 });
    traffic.start();
    const downMs: number[] = [];
    const storedAtKill: number[] = [];
    for (let kill = 0; kill < size.kills; kill++) {
      await sleep(between(random, 500, 2500));
      // Right after a lane's request reached the gateway, so the kill lands while it stores or pairs.
      const sent = rig.gatewayProxy.counters.bytesToServer;
      while (rig.gatewayProxy.counters.bytesToServer === sent) await sleep(1);
      await sleep(between(random, 0, 5));
      await gateway.kill();
      storedAtKill.push(Number((await rig.knex('passages').count({ n: '*' }).first())?.n ?? 0));
      const outage = Math.round(between(random, 100, 1500));
      downMs.push(outage);
      await sleep(outage);
      await gateway.start();
    }
    while (traffic.confirmed.length < size.passages) await sleep(100);
    await traffic.stop();
    await settleAndCheck(rig, traffic, 'gateway kills', { kills: gateway.kills, starts: gateway.starts, downMs, storedAtKill, laneConnections: rig.gatewayProxy.counters.connections }, { allPaired: true });
    assert.equal(gateway.kills, size.kills);
  });
});
