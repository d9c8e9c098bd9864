import { between } from '../../simulator/random.js';
import { faultServices } from '../../faults/faultEnvironment.js';
import { FaultRig } from '../../faults/faultRig.js';
import { RiderTraffic } from '../../faults/riderTraffic.js';
import { randomFor, scale, settleAndCheck, sleep, timeoutFor } from './support/scenario.js';

describe('the gateway cut off from PostgreSQL during ingest', function () {
  this.timeout(timeoutFor(300_000));
  const size = scale.databaseCut;
  const random = randomFor('databaseCut');
  let rig: FaultRig | undefined;
  let traffic: RiderTraffic | undefined;

  before(function () {
    // SQLite has no connection to cut: this one needs DATABASE_URL.
    if (!faultServices.databaseUrl) this.skip();
  });

  after(async () => {
    await traffic?.stop();
    await rig?.close();
  });

  it(`when the gateway's PostgreSQL connections are cut ${size.cuts} times (and refused a while) as batches arrive, then every passage is stored and charged exactly once`, async () => {
    rig = await new FaultRig({ lanes: size.lanes, riders: size.riders, random, databaseProxy: true,
      laneEnv: { LANE_OUTBOX_LINGER_MS: '50' },
      // Pairing that failed with the database is redone by the exception sweeper; an exit waits
      // unpairedExitHoldS for it (1 h by default), here 3 s, so the run sees every passage charged.
      gateway: { sweepIntervalMs: 1000, unpairedExitHoldS: 3 },
    }).start();
    const proxy = rig.databaseProxy!;
    traffic = new RiderTraffic(rig, { pauseMs: 20 });
    traffic.start();
    const outagesMs: number[] = [];
    for (let cut = 0; cut < size.cuts; cut++) {
      await sleep(between(random, 500, 1500));
      // A cut mid-transaction, then for a while no database at all.
      proxy.refuse();
      proxy.cutAll();
      const outage = Math.round(between(random, 200, 2000));
      outagesMs.push(outage);
      await sleep(outage);
      proxy.heal();
    }
    while (traffic.confirmed.length < size.passages) await sleep(100);
    await traffic.stop();
    await settleAndCheck(rig, traffic, 'database cuts', { cutConnections: proxy.counters.cut, refusedConnections: proxy.counters.refused, outagesMs }, { allPaired: true });
  });
});
