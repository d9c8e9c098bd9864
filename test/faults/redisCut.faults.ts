import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { topics } from '../../protocol/topics.js';
import { connectMqtt, endMqtt } from '../../runtime/mqtt.js';
import { between } from '../../simulator/random.js';
import { faultServices } from '../../faults/faultEnvironment.js';
import { FaultRig } from '../../faults/faultRig.js';
import { RiderTraffic } from '../../faults/riderTraffic.js';
import { randomFor, scale, settleAndCheck, sleep, timeoutFor } from './support/scenario.js';

describe('Redis lost by a lane during validation', function () {
  this.timeout(timeoutFor(300_000));
  const size = scale.redisCut;
  const random = randomFor('redisCut');
  let rig: FaultRig | undefined;
  let traffic: RiderTraffic | undefined;
  let monitor: MqttClient | undefined;

  before(function () {
    // Without Redis the hot state is in the lane's own memory: nothing to cut.
    if (!faultServices.redisUrl) this.skip();
  });

  after(async () => {
    await traffic?.stop();
    if (monitor) await endMqtt(monitor);
    await rig?.close();
  });

  it(`when the lane's Redis connections are cut and refused ${size.cuts} times, then it keeps deciding, says hotStoreDegraded, and loses nothing`, async () => {
    rig = await new FaultRig({ lanes: 1, riders: size.riders, random, redisProxy: true }).start();
    const proxy = rig.redisProxy!;
    const degradedSeen: boolean[] = [];
    monitor = await connectMqtt(rig.broker.url, { clientId: `faults-monitor-${rig.suffix}` }, (_topic, payload) => {
      const status = JSON.parse(payload.toString()) as { online?: boolean; hotStoreDegraded?: boolean };
      if (status.online) degradedSeen.push(status.hotStoreDegraded === true);
    });
    await monitor.subscribeAsync(topics.laneStatus(rig.sites[0].id), { qos: 1 });
    traffic = new RiderTraffic(rig, { pauseMs: 30 });
    traffic.start();
    let reportedDegraded = 0;
    for (let cut = 0; cut < size.cuts; cut++) {
      await sleep(between(random, 1000, 2000));
      proxy.refuse();
      proxy.cutAll();
      traffic.phase = 'redis down';
      const before = degradedSeen.length;
      await sleep(Math.round(between(random, 2500, 4000)));
      if (degradedSeen.slice(before).includes(true)) reportedDegraded++;
      proxy.heal();
      traffic.phase = 'up';
    }
    while (traffic.counters.scansSent < size.scans) await sleep(200);
    await sleep(2500);
    // Back on Redis once a probe answers: the reconnect backoff (at most 2 s), a probe, a status.
    const recoveryDeadline = Date.now() + 15_000;
    while (degradedSeen.at(-1) !== false && Date.now() < recoveryDeadline) await sleep(200);
    await traffic.stop();
    const { sentByPhase, answeredByPhase } = traffic.counters;
    const answeredWhileDown = (answeredByPhase['redis down'] ?? 0) / (sentByPhase['redis down'] ?? 1);
    await settleAndCheck(rig, traffic, 'redis cuts', { cutConnections: proxy.counters.cut, refusedConnections: proxy.counters.refused, sentByPhase, answeredByPhase, reportedDegraded, recoveredAfter: degradedSeen.at(-1) === false });
    assert.ok(answeredWhileDown >= 0.9, `only ${(answeredWhileDown * 100).toFixed(1)} % of scans were answered while Redis was away`);
    assert.equal(reportedDegraded, size.cuts, 'the lane status did not say hotStoreDegraded during every Redis outage');
    assert.equal(degradedSeen.at(-1), false, 'the lane status still said hotStoreDegraded 15 s after Redis came back');
    assert.equal(degradedSeen.at(-1), false, 'the lane did not return to Redis');
  });
});
