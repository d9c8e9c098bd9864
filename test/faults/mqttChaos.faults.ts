import assert from 'node:assert/strict';
import { FaultRig } from '../../faults/faultRig.js';
import { RiderTraffic } from '../../faults/riderTraffic.js';
import { randomFor, scale, settleAndCheck, sleep, timeoutFor } from './support/scenario.js';

describe('MQTT packets duplicated, reordered and unacknowledged', function () {
  this.timeout(timeoutFor(300_000));
  const size = scale.mqttChaos;
  const random = randomFor('mqttChaos');
  let rig: FaultRig | undefined;
  let traffic: RiderTraffic | undefined;

  after(async () => {
    await traffic?.stop();
    await rig?.close();
  });

  it(`when over ${size.scans} scans the broker hops duplicate and reorder publishes and lose acks, then every passage is recorded and charged once`, async () => {
    rig = await new FaultRig({ lanes: size.lanes, riders: size.riders, random, laneBrokerProxy: true, deviceBrokerProxy: true }).start();
    // Towards the lane: device events twice or out of order; from the lane: a lost PUBACK, so the
    // broker redelivers on the lane's persistent session. Devices: their scans and passages
    // duplicated on the way in, and a lost PUBACK now and then, so they publish again (dup flag).
    for (const lane of rig.lanes) lane.brokerProxy!.setFaults({ toClient: { duplicatePublish: 0.05, reorderPublish: 0.05 }, toServer: { dropPuback: 0.01 } });
    rig.deviceProxy!.setFaults({ toServer: { duplicatePublish: 0.05, reorderPublish: 0.02 }, toClient: { dropPuback: 0.01, duplicatePublish: 0.02 } });
    traffic = new RiderTraffic(rig, { pauseMs: 30 });
    traffic.start();
    while (traffic.counters.scansSent < size.scans) await sleep(200);
    await traffic.stop();
    const proxies = [...rig.lanes.map((lane) => lane.brokerProxy!), rig.deviceProxy!];
    for (const proxy of proxies) proxy.heal();
    const injected = proxies.reduce(
      (sum, proxy) => ({ duplicated: sum.duplicated + proxy.counters.duplicated, reordered: sum.reordered + proxy.counters.reordered, droppedAcks: sum.droppedAcks + proxy.counters.droppedAcks, cut: sum.cut + proxy.counters.cut }),
      { duplicated: 0, reordered: 0, droppedAcks: 0, cut: 0 },
    );
    const duplicateCommands = [...rig.devices.turnstiles.values()].reduce((sum, gate) => sum + gate.counters.duplicateCommands, 0);
    await settleAndCheck(rig, traffic, 'mqtt chaos', { ...injected, duplicateCommandsIgnored: duplicateCommands });
    assert.ok(injected.duplicated > 0 && injected.reordered > 0, 'no packet fault was injected');
  });
});
