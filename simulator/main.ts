import { DEMO_SITES } from '../demo/network.js';
import { loadSimulatorConfig } from './config.js';
import { SimulatedNetwork } from './network.js';
import { enrolRiders } from './people/enrolRiders.js';
import { GateQueue } from './people/gateQueue.js';
import { seededRandom } from './random.js';
import { Traffic } from './scenario/traffic.js';

/**
 * The simulator as its own process: every gate and validator of the demo network on the
 * broker, riders signed up on the gateway, and steady traffic until SIGINT or SIGTERM.
 * Shutdown order: traffic (riders finish at the gates), then the devices.
 */
async function main(): Promise<void> {
  const config = loadSimulatorConfig(process.env);
  const network = new SimulatedNetwork({ brokerUrl: config.mqttUrl, mqttSecret: config.mqttSecret, sites: DEMO_SITES, heartbeatIntervalMs: config.heartbeatIntervalMs });
  await network.start();
  console.log(`simulator: ${network.turnstiles.size} gates and ${network.validators.size} validators online at ${config.mqttUrl}`);
  let traffic: Traffic | undefined;
  try {
    const riders = await enrolRiders({ gatewayUrl: config.gatewayUrl, count: config.riderCount, topUpMinor: config.topUpMinor, queue: new GateQueue(), frameShare: config.frameShare, random: seededRandom(config.seed + 1) });
    console.log(`simulator: ${riders.length} riders enrolled at ${config.gatewayUrl}; ${config.journeysPerMinute} journeys a minute`);
    traffic = new Traffic({ network, riders, journeysPerMinute: config.journeysPerMinute, seed: config.seed });
    traffic.start();
  } catch (error) {
    await network.close();
    throw error;
  }
  const report = setInterval(() => console.log(`simulator: ${JSON.stringify(traffic?.counters)}`), 10_000);
  const stop = async () => {
    clearInterval(report);
    await traffic?.close();
    await network.close();
    console.log(`simulator: stopped; ${JSON.stringify(traffic?.counters)}`);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
