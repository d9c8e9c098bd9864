import assert from 'node:assert/strict';
import { once } from 'node:events';
import { startTestBroker, type TestBroker } from '../support/environment.js';
import { Turnstile } from '../../simulator/devices/turnstile.js';
import type { DeviceStatus } from '../../protocol/messages.js';
import { TestLane, uniqueId } from './support.js';

describe('simulator device status', () => {
  let broker: TestBroker;
  let lane: TestLane;
  let gate: Turnstile;

  beforeEach(async () => {
    broker = await startTestBroker();
    const siteId = uniqueId('S');
    lane = new TestLane(broker.url, siteId);
    gate = new Turnstile({ brokerUrl: broker.url, siteId, deviceId: `${siteId}-G1`, heartbeatIntervalMs: 0 });
  });

  afterEach(async () => {
    await gate.close();
    await lane.close();
    await broker.close();
  });

  async function nextStatus(): Promise<DeviceStatus> {
    const [{ status }] = (await once(lane.events, 'status')) as [{ status: DeviceStatus }];
    return status;
  }

  it('when a device starts, then its retained status says online', async () => {
    await gate.start();
    const status = nextStatus();
    await lane.start();
    assert.deepEqual([(await status).online, (await status).kind], [true, 'turnstile']);
  });

  it('when the device drops off the network, then its last will marks it offline, and it comes back online on reconnect', async () => {
    await lane.start();
    const online = nextStatus();
    await gate.start();
    assert.equal((await online).online, true);
    const offline = nextStatus();
    gate.goOffline();
    assert.equal((await offline).online, false);
    assert.equal(gate.online, false);
    await assert.rejects(gate.scan({ code: 'TP1.abc' }, 'entry'), { code: 'DEVICE_OFFLINE' });
    const back = nextStatus();
    await gate.reconnect();
    assert.equal((await back).online, true);
  });

  it('when a device closes, then it says offline itself', async () => {
    await lane.start();
    const online = nextStatus();
    await gate.start();
    await online;
    const offline = nextStatus();
    await gate.close();
    assert.equal((await offline).online, false);
  });
});
