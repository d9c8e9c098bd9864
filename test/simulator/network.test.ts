import assert from 'node:assert/strict';
import { DEMO_SITES } from '../../demo/network.js';
import { startTestBroker, services, type TestBroker } from '../support/environment.js';
import { SimulatedNetwork } from '../../simulator/network.js';
import { loadSimulatorConfig } from '../../simulator/config.js';

describe('simulator network', () => {
  let broker: TestBroker;

  beforeEach(async () => {
    broker = await startTestBroker();
  });

  afterEach(async () => {
    await broker.close();
  });

  it('when the demo network starts, then every gate and validator is online with its own client, and all close', async function () {
    // On a shared broker, another run may hold the demo's client ids: keep ours apart.
    const network = new SimulatedNetwork({ brokerUrl: broker.url, sites: DEMO_SITES, heartbeatIntervalMs: 0, clientIdSuffix: services.mqttUrl ? `t${process.pid}` : undefined });
    await network.start();
    try {
      assert.equal(network.turnstiles.size, 32);
      assert.equal(network.validators.size, 3);
      assert.equal(network.turnstilesAt('M1-03').length, 4);
      assert.ok(network.devices.every((device) => device.online));
    } finally {
      await network.close();
    }
    assert.ok(network.devices.every((device) => !device.online));
  });

  it('when the simulator reads its environment, then defaults apply and numbers are parsed', () => {
    const config = loadSimulatorConfig({ MQTT_URL: 'mqtt://broker:1883', SIM_JOURNEYS_PER_MINUTE: '120' });
    assert.equal(config.mqttUrl, 'mqtt://broker:1883');
    assert.equal(config.journeysPerMinute, 120);
    assert.equal(config.riderCount, 40);
    assert.ok(Object.isFrozen(config));
    assert.throws(() => loadSimulatorConfig({ SIM_JOURNEYS_PER_MINUTE: '-1' }));
  });
});
