import assert from 'node:assert/strict';
import { FaultRig } from '../../faults/faultRig.js';
import { RiderTraffic } from '../../faults/riderTraffic.js';
import { randomFor, scale, settleAndCheck, sleep, timeoutFor } from './support/scenario.js';

describe('the gateway unreachable from every lane', function () {
  this.timeout(timeoutFor(600_000));
  const size = scale.gatewayOutage;
  const random = randomFor('gatewayOutage');
  let rig: FaultRig | undefined;
  let traffic: RiderTraffic | undefined;

  after(async () => {
    await traffic?.stop();
    await rig?.close();
  });

  it(`when ${size.passages} passages are recorded while the gateway refuses connections, then once it is back all arrive, in order per lane`, async () => {
    rig = await new FaultRig({ lanes: size.lanes, riders: size.riders, random }).start();
    const ids = rig.sites.map((site) => site.id);
    rig.gatewayProxy.refuse();
    rig.gatewayProxy.cutAll();
    traffic = new RiderTraffic(rig, { pauseMs: 5 });
    traffic.start();
    while (traffic.confirmed.length < size.passages) await sleep(100);
    await traffic.stop();
    const during = await rig.knex('passages').whereIn('lane_id', ids).count({ n: '*' }).first();
    assert.equal(Number(during?.n ?? 0), 0, 'a passage reached the gateway through a refusing proxy');

    const healedAt = Date.now();
    rig.gatewayProxy.heal();
    assert.ok(await rig.drained(300_000), 'the outboxes did not drain');
    const drainS = (Date.now() - healedAt) / 1000;
    const recorded = traffic.confirmed.length;

    // In order per lane: the gateway received each lane's passages in lane sequence order.
    for (const laneId of ids) {
      const rows = await rig.knex('passages').where({ lane_id: laneId }).orderBy('lane_seq').select('lane_seq', 'received_at');
      for (let index = 1; index < rows.length; index++) {
        assert.ok(Number(rows[index].received_at) >= Number(rows[index - 1].received_at), `lane ${laneId}: seq ${rows[index].lane_seq} arrived before seq ${rows[index - 1].lane_seq}`);
      }
    }
    await settleAndCheck(rig, traffic, 'gateway outage', {
      refusedConnections: rig.gatewayProxy.counters.refused,
      recordedDuringOutage: recorded,
      drainS: Number(drainS.toFixed(2)),
      drainPassagesPerS: Math.round(recorded / drainS),
    });
  });
});
