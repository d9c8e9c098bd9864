import assert from 'node:assert/strict';
import { between } from '../../simulator/random.js';
import { FaultRig } from '../../faults/faultRig.js';
import { RiderTraffic } from '../../faults/riderTraffic.js';
import { randomFor, scale, settleAndCheck, sleep, timeoutFor } from './support/scenario.js';

describe('the broker killed while riders scan', function () {
  this.timeout(timeoutFor(300_000));
  const size = scale.brokerKill;
  const random = randomFor('brokerKill');
  let rig: FaultRig | undefined;
  let traffic: RiderTraffic | undefined;

  after(async () => {
    await traffic?.stop();
    await rig?.close();
  });

  it(`when Mosquitto is SIGKILLed ${size.kills} times across ${size.lanes} lanes and restarted after 1-5 s, then no passage is lost or charged twice and gates decide while it is up`, async () => {
    rig = await new FaultRig({ lanes: size.lanes, riders: size.riders, random, brokerPersistence: false }).start();
    traffic = new RiderTraffic(rig, { pauseMs: 50 });
    traffic.start();
    const downMs: number[] = [];
    for (let kill = 0; kill < size.kills; kill++) {
      // Kill points spread over the run, so each falls at another moment of some scan.
      await sleep(between(random, 1000, 3000) * (scale.name === 'full' ? 4 : 1));
      await rig.broker.kill();
      traffic.phase = 'down';
      const outage = Math.round(between(random, 1000, 5000));
      downMs.push(outage);
      await sleep(outage);
      await rig.broker.start();
      // Clients reconnect every 500 ms and the lanes resubscribe: scans in that gap are not counted as "up".
      traffic.phase = 'recovering';
      await sleep(1500);
      traffic.phase = 'up';
    }
    while (traffic.counters.scansSent < size.scans) await sleep(200);
    await traffic.stop();

    const { sentByPhase, answeredByPhase } = traffic.counters;
    const answeredWhileUp = (answeredByPhase.up ?? 0) / (sentByPhase.up ?? 1);
    await settleAndCheck(rig, traffic, 'broker kills', { kills: rig.broker.kills, downMs, sentByPhase, answeredByPhase, answeredWhileUp: Number(answeredWhileUp.toFixed(3)) });
    // A scan in flight at the moment of a kill goes unanswered; nearly all others are answered.
    assert.ok(answeredWhileUp >= 0.9, `only ${(answeredWhileUp * 100).toFixed(1)} % of scans sent while the broker was up were answered`);
  });
});
