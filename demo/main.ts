import { join } from 'node:path';
import { jsonLogger } from '../lanes/log.js';
import { GateQueue } from '../simulator/people/gateQueue.js';
import { enrolRiders } from '../simulator/people/enrolRiders.js';
import { seededRandom } from '../simulator/random.js';
import { Traffic } from '../simulator/scenario/traffic.js';
import { TollTraffic } from '../simulator/toll/tollTraffic.js';
import { makeFleet } from '../simulator/toll/vehicle.js';
import { gatewayFleet } from '../simulator/toll/vehicleRegistration.js';
import { loadDemoConfig } from './config.js';
import { seedDemoLogins } from './demoAccounts.js';
import { DemoNetwork, demoGatewayConfig } from './demoNetwork.js';
import { DEMO_SITES, DEMO_TOLL_SITES, DEMO_VEHICLE_CLASSES, DEMO_VEHICLE_REST_MS } from './network.js';

/**
 * `npm start`: the whole demo network on one machine. Embedded defaults (SQLite, aedes, in-process
 * hot state) unless DATABASE_URL, REDIS_URL and MQTT_URL point at real services.
 */
const demo = loadDemoConfig(process.env);
const gatewayConfig = demoGatewayConfig(process.env, { sqliteFile: join(demo.dataDir, 'gateway.sqlite') });
const quietLaneLogger = { ...jsonLogger(), info() {} };

const network = new DemoNetwork({
  sites: DEMO_SITES,
  tollSites: demo.vehiclesPerMinute > 0 && demo.vehicles > 0 ? DEMO_TOLL_SITES : [],
  mqttUrl: demo.mqttUrl,
  mqttSecret: demo.mqttSecret,
  brokerPort: demo.brokerPort,
  gateway: gatewayConfig,
  redisUrl: demo.redisUrl,
  dataDir: demo.dataDir,
  laneLogger: quietLaneLogger,
  lane: { statusIntervalMs: 2000 },
});

let traffic: Traffic | undefined;
let tollTraffic: TollTraffic | undefined;
let closing = false;

async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  console.log(`\n${signal}: stopping riders, devices, lanes, gateway, broker...`);
  clearInterval(summaryTimer);
  await traffic?.close();
  await tollTraffic?.close();
  await network.close();
  console.log('stopped.');
}

let summaryTimer: NodeJS.Timeout | undefined;
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await network.start();
  const queue = new GateQueue();
  const riders = await enrolRiders({ gatewayUrl: network.gateway.url, count: demo.riders, topUpMinor: demo.topUpMinor, queue, frameShare: demo.frameShare, random: seededRandom(7) });
  traffic = new Traffic({ network: network.devices!, riders, journeysPerMinute: demo.journeysPerMinute });
  traffic.start();
  const fleet = makeFleet(seededRandom(9), { count: demo.vehicles, classes: DEMO_VEHICLE_CLASSES, taggedShare: 0.8, wrongClassShare: 0.02, movedTagShare: 0.01, tamperedShare: 0.01 });
  // Drivers register their vehicles through the gateway's API: the lanes learn the tags and plates as vehicle.add deltas.
  const registration = gatewayFleet({ gatewayUrl: network.gateway.url, topUpMinor: demo.topUpMinor, unfundedShare: 0.05, unregisteredShare: 0.03, random: seededRandom(11) });
  const registered = network.tollRoad ? await registration.register(fleet) : 0;
  if (network.tollRoad) {
    tollTraffic = new TollTraffic({ road: network.tollRoad, vehicles: fleet, vehiclesPerMinute: demo.vehiclesPerMinute, restMs: DEMO_VEHICLE_REST_MS });
    tollTraffic.start();
  }
  const logins = await seedDemoLogins(network.gateway.knex, riders[0]!.id, { password: demo.demoPassword, costLog2: gatewayConfig.passwordCostLog2 });
  const metro = DEMO_SITES.filter((site) => site.mode === 'metro');
  const buses = DEMO_SITES.filter((site) => site.mode === 'bus');
  console.log(
    [
      '',
      'Turnpike demo network is running.',
      `  console     ${network.gateway.url}/console  (log in as admin, or ${logins.staff.slice(1, 3).map((user) => user.username).join(', ')} ...)`,
      `  rider page  ${network.gateway.url}/me  (log in as ${logins.riderEmail})`,
      `  password    ${logins.password}${demo.demoPassword ? ' (TURNPIKE_DEMO_PASSWORD)' : ' (this run; set TURNPIKE_DEMO_PASSWORD to choose one)'}`,
      `  API         ${network.gateway.url}/api/network`,
      `  MQTT        ${network.mqttUrl}${network.broker ? ' (embedded)' : ''}`,
      `  database    ${gatewayConfig.databaseUrl ? 'PostgreSQL' : `SQLite ${gatewayConfig.sqliteFile}`}; hot state ${demo.redisUrl ? 'Redis' : 'in-process'}`,
      `  network     metro line M1: ${metro.length} stations x 4 gates; bus route 42: ${buses.length} buses`,
      `  riders      ${riders.length}, about ${demo.journeysPerMinute} journeys a minute`,
      network.tollRoad
        ? `  toll road   Coast Expressway: plazas TW and TE (2 entry + 2 exit barrier lanes each), gantries TG01-TG08; ${fleet.length} vehicles, about ${demo.vehiclesPerMinute} trips a minute; vehicles ${registered > 0 ? `${registered} registered` : registration.description}`
        : '  toll road   off (TURNPIKE_DEMO_VEHICLES_PER_MINUTE=0)',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  summaryTimer = setInterval(() => {
    const c = traffic!.counters;
    const denied = Object.entries(c.deniedByReason).map(([reason, n]) => `${reason} ${n}`).join(', ');
    console.log(`scans ${c.scans}  opened ${c.opened}  denied ${c.denied}${denied ? ` (${denied})` : ''}  passages ${c.passages}  journeys ${c.journeysFinished}`);
    if (tollTraffic) {
      const t = tollTraffic.counters;
      const recorded = DEMO_TOLL_SITES.reduce((sum, site) => sum + (network.lanes.get(site.id)?.counters.passed ?? 0), 0);
      console.log(`toll trips ${t.tripsStarted}  lane passes ${t.passed}  diverted ${t.diverted}  toll passages recorded ${recorded}  camera misses ${t.cameraMisses}  tailgates ${t.tailgates}  camera outages ${t.cameraOutages}`);
    }
  }, 10_000);
} catch (error) {
  console.error(`turnpike: ${(error as Error).message}`);
  await network.close().catch(() => {});
  process.exitCode = 1;
}
