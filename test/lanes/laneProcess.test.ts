import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LaneProcess } from '../support/laneProcess.js';
import { services, startTestBroker, temporaryDir, uniqueRedisPrefix, type TestBroker } from '../support/environment.js';
import { FakeGateway } from './support/fakeGateway.js';
import { TestIssuer } from './support/issuer.js';
import { TestDevices, uniqueSiteId } from './support/laneHarness.js';

describe('lane controller process', function () {
  this.timeout(90_000);
  let broker: TestBroker;
  let gateway: FakeGateway;
  let dir: ReturnType<typeof temporaryDir>;
  let devices: TestDevices | undefined;
  let lane: LaneProcess | undefined;

  beforeEach(async () => {
    broker = await startTestBroker();
    gateway = await new FakeGateway().start();
    dir = temporaryDir('turnpike-lane-process-');
  });

  afterEach(async () => {
    await lane?.kill('SIGTERM');
    await devices?.close();
    await gateway.close();
    await broker.close();
    dir.remove();
  });

  it('when the lane is killed with SIGKILL and restarted, then every confirmed passage reaches the gateway exactly once', async () => {
    const issuer = TestIssuer.around(Date.now());
    gateway.addTrustChange(issuer.keyAdd(1));
    const siteId = uniqueSiteId();
    lane = new LaneProcess({
      LANE_SITE_ID: siteId,
      GATEWAY_URL: gateway.url,
      MQTT_URL: broker.url,
      LANE_JOURNAL_FILE: join(dir.path, 'lane.sqlite'),
      LANE_OUTBOX_RETRY_MIN_MS: '50',
      LANE_OUTBOX_RETRY_MAX_MS: '200',
      LANE_STATUS_INTERVAL_MS: '60000',
      ...(services.redisUrl ? { REDIS_URL: services.redisUrl, LANE_HOT_STORE_PREFIX: uniqueRedisPrefix() } : {}),
    });
    await lane.start();
    devices = await TestDevices.connect(broker.url, siteId);
    const gate = `${siteId}-G1`;
    const confirmed: string[] = [];
    const rider = async () => {
      const command = await devices!.scan(gate, { code: issuer.wallet(Date.now()).code() });
      assert.equal(command.action, 'open', command.reason);
      await devices!.passage(gate, command.decisionId);
      confirmed.push(command.decisionId);
    };

    // 1. The gateway is down: passages pile up in the outbox; the lane dies right after the last confirmation.
    gateway.down = true;
    for (let i = 0; i < 10; i++) await rider();
    await lane.kill('SIGKILL');
    gateway.down = false;
    await lane.start();
    // 2. Delivery resumes; the lane dies again while riders keep passing and the outbox is sending.
    for (let i = 0; i < 10; i++) await rider();
    await lane.kill('SIGKILL');
    await lane.start();
    for (let i = 0; i < 5; i++) await rider();

    await gateway.waitForPassages(confirmed.length, 30_000);
    assert.deepEqual([...gateway.passages.keys()].sort(), [...confirmed].sort());
    const sequences = [...gateway.passages.values()].map((passage) => passage.laneSeq).sort((a, b) => a - b);
    assert.deepEqual(sequences, Array.from({ length: confirmed.length }, (_, index) => index + 1));
  });
});
