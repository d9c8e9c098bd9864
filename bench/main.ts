import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { redactUrl } from '../db/connect.js';
import { SimulatedNetwork } from '../simulator/network.js';
import type { Turnstile } from '../simulator/devices/turnstile.js';
import { seededRandom } from '../simulator/random.js';
import { BENCH_GATES_PER_STATION, BENCH_SITES } from './benchSites.js';
import { loadBenchConfig } from './config.js';
import { CpuMeter } from './cpuMeter.js';
import { runBrokerFaultLoad, type BrokerFaultLoadResult } from './brokerFaultLoad.js';
import { runFrameLoad } from './frameLoad.js';
import { JourneyWatch } from './journeyWatch.js';
import { LaneDecisionTimes } from './laneDecisionTimes.js';
import { LiveStream } from './liveStream.js';
import { describeMachine } from './machine.js';
import { measurePricing, type PricingResult } from './pricingThroughput.js';
import { measureReportScale, type ReportScaleResult } from './reportScale.js';
import { BenchMosquitto } from './mosquitto.js';
import { formatTable, writeResults, type BenchResults } from './report.js';
import { enrolBenchRiders, RiderPool } from './riderPool.js';
import { runScanLoad } from './scanLoad.js';
import { BenchServer } from './serverHandle.js';
import { percentile, round, summarise } from './stats.js';
import { measureValidations } from './validationThroughput.js';
import { SimulatedTollRoad } from '../simulator/toll/tollRoad.js';
import { makeFleet } from '../simulator/toll/vehicle.js';
import { runGantryFlood, runObuToBarrier } from './tollLoad.js';
import { BENCH_TOLL_GANTRY, BENCH_TOLL_PLAZAS, BENCH_TOLL_SITES, seedFleetTrust } from './tollSites.js';

/**
 * `npm run bench`: the gate's latency and throughput on this machine (docs/operations.md,
 * "Benchmark"). Phases, in order: offline validations on one core (nothing else running); journeys
 * priced per second on PostgreSQL, then SQLite (pricingThroughput.ts); the daily revenue report over
 * ten million journeys in PostgreSQL (reportScale.ts); then a private Mosquitto, the gateway in one child process and ten lane controllers in another (as
 * they run in service), and 40 simulated turnstiles here: decoded-text scans under load (passages timed to their charge meanwhile), then
 * camera frames, then scans while Mosquitto is SIGKILLed and restarted (brokerFaultLoad.ts), then the toll lanes. Shutdown: live
 * stream, turnstiles, server process, Mosquitto, temporary files.
 */
const RESULTS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-results.json');
const FRAME_WARMUP = 10;

const config = loadBenchConfig(process.env);
const machine = describeMachine();
const workDir = mkdtempSync(join(tmpdir(), 'turnpike-bench-'));
const mosquitto = new BenchMosquitto(workDir);
let gatewayServer: BenchServer | undefined;
let server: BenchServer | undefined;
let tollServer: BenchServer | undefined;
let tollRoad: SimulatedTollRoad | undefined;
let devices: SimulatedNetwork | undefined;
let live: LiveStream | undefined;
let cleaning: Promise<void> | undefined;

function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    live?.close();
    await devices?.close().catch(() => {});
    await tollRoad?.close().catch(() => {});
    await tollServer?.close().catch(() => {});
    await server?.close().catch(() => {});
    await gatewayServer?.close().catch(() => {});
    await mosquitto.close().catch(() => {});
    rmSync(workDir, { recursive: true, force: true });
  })();
  return cleaning;
}

// Whatever ends this process (a crash included), no broker or server process outlives it.
process.once('exit', () => {
  server?.killNow();
  tollServer?.killNow();
  gatewayServer?.killNow();
  mosquitto.killNow();
  rmSync(workDir, { recursive: true, force: true });
});
// Scans still waiting when the turnstiles close are rejected; while stopping, that is expected.
process.on('unhandledRejection', (reason) => {
  if (cleaning) return;
  console.error(`bench: unhandled rejection: ${String(reason)}`);
  process.exitCode = 1;
  void cleanUp();
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the benchmark`);
    void cleanUp().finally(() => process.exit(130));
  });
}

/** Slot k goes to station k mod 10, so consecutive scans land at different lanes. */
function interleavedGates(network: SimulatedNetwork): Turnstile[] {
  const byStation = BENCH_SITES.map((site) => network.turnstilesAt(site.id));
  const gates: Turnstile[] = [];
  for (let gate = 0; gate < BENCH_GATES_PER_STATION; gate++) for (const station of byStation) gates.push(station[gate]);
  return gates;
}

function say(text: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}`);
}

try {
  say(`machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}`);
  say(`validations: ${config.validations} fresh codes of ${config.validationCredentials} cached credentials, one core`);
  const validations = await measureValidations({ validations: config.validations, credentials: config.validationCredentials });
  say(`  ${validations.validationsPerS} validations/s (${validations.denied} denied)`);

  say(`pricing: ${config.pricingRiders} riders' business day in lane batches (JourneyPairer.storePassages, in process), PostgreSQL ${redactUrl(config.databaseUrl)}, then SQLite`);
  const pricingOptions = { riders: config.pricingRiders, concurrency: config.pricingConcurrency, maxBatch: 500, maxWaitMs: 20 * 60_000 };
  const pricing: PricingResult = await measurePricing({ ...pricingOptions, databaseUrl: config.databaseUrl });
  say(`  PostgreSQL: ${pricing.journeysPricedPerS} journeys/s (${pricing.journeys} journeys, ${pricing.batches} batches of ${pricing.meanBatch} passages on average, ${pricing.queriesPerJourney} queries per journey, ${pricing.rounds} pairing rounds, ${pricing.batchesFailed} failed as a whole, one by one ${JSON.stringify(pricing.oneByOne)})`);
  const pricingSqlite = await measurePricing(pricingOptions);
  say(`  SQLite: ${pricingSqlite.journeysPricedPerS} journeys/s (${pricingSqlite.queriesPerJourney} queries per journey)`);

  say(`reports: the daily revenue report over a month of ${config.reportJourneys.toLocaleString('en-US')} journeys in PostgreSQL ${redactUrl(config.databaseUrl)}, through the gateway's HTTP API`);
  const reportScale: ReportScaleResult = config.reportJourneys === 0
    ? { skipped: 'BENCH_REPORT_JOURNEYS=0' }
    : await measureReportScale({ databaseUrl: config.databaseUrl, journeys: config.reportJourneys, requests: config.reportRequests, log: say });
  if (reportScale.skipped !== undefined) say(`  skipped: ${reportScale.skipped}`);
  else {
    say(`  ${reportScale.reusedSeed ? 'seeded schema reused' : `seeded in ${round(reportScale.seedMs / 1000, 1)} s, rollups rebuilt in ${round(reportScale.rebuildMs / 1000, 1)} s`}; ${reportScale.rollupRows} journey rollup rows`);
    say(`  daily revenue report ${JSON.stringify(reportScale.dailyRevenueMs)} ms; the same as a raw group-by over the journeys table: ${reportScale.rawGroupByMs} ms; traffic by station ${JSON.stringify(reportScale.trafficByStationMs)} ms`);
  }
  const reportFigure = reportScale.skipped === undefined ? reportScale.dailyRevenueMs.p50 : null;

  await mosquitto.start();
  const nodeArgs = config.serverNodeArgs.split(' ').filter(Boolean);
  gatewayServer = await new BenchServer({ role: 'gateway', mqttUrl: mosquitto.url, dataDir: join(workDir, 'gateway'), nodeArgs, nice: config.gatewayNice, idle: config.gatewayIdle }).start();
  server = await new BenchServer({ role: 'lanes', mqttUrl: mosquitto.url, dataDir: join(workDir, 'lanes'), gatewayUrl: gatewayServer.gatewayUrl, nodeArgs }).start();
  say(`gateway process ${gatewayServer.gatewayUrl} (${config.gatewayIdle ? 'SCHED_IDLE' : `nice ${config.gatewayNice}`}); lanes process: ${BENCH_SITES.length} lane controllers; Mosquitto ${mosquitto.url}`);
  const riders = await enrolBenchRiders(server.gatewayUrl, config.riders, config.topUpMinor);
  const pool = new RiderPool(riders, seededRandom(42));
  devices = new SimulatedNetwork({ brokerUrl: mosquitto.url, sites: BENCH_SITES });
  await devices.start();
  const gates = interleavedGates(devices);
  live = new LiveStream(gatewayServer.gatewayUrl, gatewayServer.monitorToken);
  const journeys = new JourneyWatch(live);
  const decisionTimes = new LaneDecisionTimes(live);
  await live.start();
  say(`${riders.length} riders enrolled, ${gates.length} turnstiles online`);

  await server.stats();
  await gatewayServer.stats();
  const cpuMeter = new CpuMeter(() => ({ bench: process.pid, lanes: server?.pid, gateway: gatewayServer?.pid, mosquitto: mosquitto.pid }));
  const cpuBeforeLoad = cpuMeter.read();
  const loadStartedAt = performance.now();
  const benchLoopDelay = monitorEventLoopDelay({ resolution: 1 });
  say(`scan load: ${config.scanRatePerS} scans/s over ${gates.length} gates, ${config.warmupS} s warm-up + ${config.measureS} s measured`);
  const load = await runScanLoad({ gates, pool, ratePerS: config.scanRatePerS, warmupS: config.warmupS, measureS: config.measureS, journeys, walkThrough: config.walkThrough,
    onMeasuring: () => {
      decisionTimes.recording = true;
      benchLoopDelay.enable();
    },
  });
  decisionTimes.recording = false;
  benchLoopDelay.disable();
  const serverUnderLoad = await server.stats();
  const gatewayUnderLoad = await gatewayServer.stats();
  const cpuLoad = cpuMeter.share(cpuBeforeLoad, cpuMeter.read(), performance.now() - loadStartedAt);
  const cpuText = Object.entries(cpuLoad.percentOfOneCore).map(([name, percent]) => `${name} ${percent}%`).join(', ');
  say(`  CPU during the load, percent of one core: ${cpuText}; event loop delay p99 bench ${round(benchLoopDelay.percentile(99) / 1e6)} ms, lanes ${round(serverUnderLoad.eventLoopDelayMs.p99)} ms, gateway ${round(gatewayUnderLoad.eventLoopDelayMs.p99)} ms`);
  const laneDecide = summarise(decisionTimes.decideMs);
  say(`  lanes' own decision time (scan handled to command published) ${JSON.stringify(laneDecide)}`);
  await journeys.drain(config.journeyDrainMs);
  const scans = summarise(load.latenciesMs);
  const charges = summarise(journeys.latenciesMs);
  say(`  scan to command ${JSON.stringify(scans)}; denied ${load.tally.denied}, failed ${load.tally.failureCount}`);
  say(`  passage to charge ${JSON.stringify(charges)}; ${journeys.outstanding} of ${load.exitsTimed} exits not charged within ${config.journeyDrainMs} ms after the load`);

  say(`camera frames: ${FRAME_WARMUP} warm-up + ${config.frames} measured at ${config.frameRatePerS}/s (rendering them first)`);
  const frames = await runFrameLoad({ gates, pool, frames: config.frames, warmupFrames: FRAME_WARMUP, ratePerS: config.frameRatePerS });
  const serverAfterFrames = await server.stats();
  const frameFigures = summarise(frames.latenciesMs);
  say(`  frame to command ${JSON.stringify(frameFigures)}; unreadable ${frames.unreadable} (included in the figure)`);

  let underFaults: BrokerFaultLoadResult | undefined;
  if (config.faultKills > 0) {
    // Before the toll phases: no toll lane or roadside device is connected yet to reconnect after each kill.
    say(`broker faults: ${config.faultScanRatePerS} scans/s over ${gates.length} gates while Mosquitto is SIGKILLed ${config.faultKills} times (seed ${config.faultSeed}), down 1-3 s each, restarted on its port`);
    underFaults = await runBrokerFaultLoad({
      gates, pool, ratePerS: config.faultScanRatePerS, kills: config.faultKills, random: seededRandom(config.faultSeed), broker: mosquitto,
      upMs: { min: 2000, max: 4000 }, downMs: { min: 1000, max: 3000 }, recoveryMs: 1500, walkThrough: config.walkThrough,
    });
    say(`  scan to command, sent while up ${JSON.stringify(summarise(underFaults.latenciesMs))}; sent by phase ${JSON.stringify(underFaults.sentByPhase)}, answered ${JSON.stringify(underFaults.answeredByPhase)}; cut by a kill ${underFaults.cutByKill}, unanswered while up ${underFaults.unansweredWhileUp}`);
  }
  const faultFigures = summarise(underFaults?.latenciesMs ?? []);

  // Toll lanes: their own process (plaza and gantry hardware), the fleet's registrations already in their trust copies.
  const tollFleet = makeFleet(seededRandom(5), { count: 2000, classes: ['1', '2', '3', '4', '5'], taggedShare: 1, wrongClassShare: 0, movedTagShare: 0, tamperedShare: 0 });
  seedFleetTrust(join(workDir, 'tolls'), BENCH_TOLL_SITES.map((site) => site.id), tollFleet);
  tollServer = await new BenchServer({ role: 'tolls', mqttUrl: mosquitto.url, dataDir: join(workDir, 'tolls'), gatewayUrl: gatewayServer.gatewayUrl, nodeArgs }).start();
  tollRoad = new SimulatedTollRoad({ brokerUrl: mosquitto.url, sites: BENCH_TOLL_PLAZAS, heartbeatIntervalMs: 0 });
  await tollRoad.start();
  await tollServer.stats();
  say(`toll barriers: ${config.tollRatePerS} vehicles/s over ${BENCH_TOLL_PLAZAS.length * 4} barrier lanes (${BENCH_TOLL_PLAZAS.length} plaza lane controllers), ${config.tollWarmupS} s warm-up + ${config.tollMeasureS} s measured`);
  const barrierRun = await runObuToBarrier({ road: tollRoad, plazas: BENCH_TOLL_PLAZAS, fleet: tollFleet, ratePerS: config.tollRatePerS, warmupS: config.tollWarmupS, measureS: config.tollMeasureS });
  const tollsUnderLoad = await tollServer.stats();
  const barrierFigures = summarise(barrierRun.latenciesMs);
  say(`  OBU read to barrier lift ${JSON.stringify(barrierFigures)}; unanswered ${barrierRun.unanswered}; toll lanes' event loop delay p99 ${round(tollsUnderLoad.eventLoopDelayMs.p99)} ms`);
  say(`gantry flood: ${config.gantryVehicles} vehicles (OBU + plate read each) through one gantry lane controller`);
  const gantry = await runGantryFlood({ brokerUrl: mosquitto.url, gantry: BENCH_TOLL_GANTRY, vehicles: config.gantryVehicles, recorded: async () => (await tollServer!.stats()).passed });
  say(`  ${gantry.passagesPerS} fused passages recorded/s (${gantry.vehicles} in ${gantry.elapsedMs} ms; reads published in ${gantry.publishMs} ms)`);

  const results: BenchResults = {
    scan_to_command_p50_ms: scans.p50,
    scan_to_command_p99_ms: scans.p99,
    frame_to_command_p99_ms: frameFigures.p99,
    validations_per_s: validations.validationsPerS,
    passage_to_charge_p99_ms: charges.p99,
    journeys_priced_per_s: pricing.journeysPricedPerS,
    obu_to_barrier_p99_ms: barrierFigures.p99,
    gantry_reads_per_s: gantry.passagesPerS,
    scan_to_command_p99_under_faults_ms: faultFigures.p99,
    report_10m_ms: reportFigure,
    machine,
    samples: {
      scan_to_command_p50_ms: scans.n,
      scan_to_command_p99_ms: scans.n,
      frame_to_command_p99_ms: frameFigures.n,
      validations_per_s: validations.validations,
      passage_to_charge_p99_ms: charges.n,
      journeys_priced_per_s: pricing.journeys,
      obu_to_barrier_p99_ms: barrierFigures.n,
      gantry_reads_per_s: gantry.vehicles,
      scan_to_command_p99_under_faults_ms: faultFigures.n,
      report_10m_ms: reportScale.skipped === undefined ? reportScale.dailyRevenueMs.n : 0,
    },
    measuredAt: new Date().toISOString(),
    scanLoad: {
      gates: gates.length,
      lanes: BENCH_SITES.length,
      ratePerS: config.scanRatePerS,
      warmupS: config.warmupS,
      measureS: config.measureS,
      riders: riders.length,
      latencyMs: scans,
      scheduleLateMs: { p50: round(percentile(load.lateMs, 50)), p99: round(percentile(load.lateMs, 99)) },
      slotsWithoutRider: load.slotsWithoutRider,
      scans: load.tally.scans,
      opened: load.tally.opened,
      denied: load.tally.denied,
      deniedByReason: load.tally.deniedByReason,
      failures: load.tally.failures,
      passages: load.tally.passages,
      walkThrough: config.walkThrough,
      gatewayNice: config.gatewayNice,
      gatewayIdle: config.gatewayIdle,
      cpu: cpuLoad,
      laneDecisionMs: laneDecide,
      benchEventLoopDelayMs: { p50: round(benchLoopDelay.percentile(50) / 1e6), p99: round(benchLoopDelay.percentile(99) / 1e6), max: round(benchLoopDelay.max / 1e6) },
      lanesProcess: serverUnderLoad,
      gatewayProcess: gatewayUnderLoad,
    },
    passageToCharge: {
      measuredDuring: 'the scan load phase (exits confirmed in its measured part)',
      observedThrough: 'GET /api/live journey events (sent after the charge commits), matched on exitPassageId',
      latencyMs: charges,
      exitsTimed: load.exitsTimed,
      notChargedWithinDrain: journeys.outstanding,
    },
    frames: {
      frame: '640x480 gray8, renderFrame defaults (code 180-260 px, rotation up to 4 degrees, noise sigma 3, uneven light)',
      ratePerS: config.frameRatePerS,
      warmupFrames: FRAME_WARMUP,
      latencyMs: frameFigures,
      latencyIncludes: 'every measured frame, unreadable ones too',
      readableLatencyMs: summarise(frames.readableLatenciesMs),
      unreadable: frames.unreadable,
      renderMs: round(frames.renderMs),
      opened: frames.tally.opened,
      denied: frames.tally.denied,
      deniedByReason: frames.tally.deniedByReason,
      failures: frames.tally.failures,
      lanesProcess: serverAfterFrames,
    },
    validations: { ...validations, elapsedMs: round(validations.elapsedMs) },
    tolls: {
      obuToBarrier: {
        measured: 'OBU read published by a simulated roadside unit until the lift command reaches the simulated barrier, through Mosquitto; toll lane controllers in their own process',
        barrierLanes: barrierRun.lanes,
        ratePerS: config.tollRatePerS,
        warmupS: config.tollWarmupS,
        measureS: config.tollMeasureS,
        latencyMs: barrierFigures,
        unanswered: barrierRun.unanswered,
        lanesProcess: tollsUnderLoad,
      },
      gantry: { measured: 'first read published to last fused passage recorded (fusion window 1500 ms included)', ...gantry },
    },
    pricing: { path: 'JourneyPairer.storePassages, in process (the lane API route without HTTP)', ...pricingOptions, postgresql: pricing, sqlite: pricingSqlite },
    brokerFaults: underFaults
      ? {
          measured: 'decoded-text scans sent while Mosquitto was up (not within 1.5 s of a restart) and answered before the next kill; scans around a kill are counted, not timed',
          ratePerS: config.faultScanRatePerS,
          seed: config.faultSeed,
          kills: underFaults.kills,
          downMs: underFaults.downMs,
          elapsedMs: underFaults.elapsedMs,
          latencyMs: faultFigures,
          sentByPhase: underFaults.sentByPhase,
          answeredByPhase: underFaults.answeredByPhase,
          cutByKill: underFaults.cutByKill,
          unansweredWhileUp: underFaults.unansweredWhileUp,
          opened: underFaults.tally.opened,
          denied: underFaults.tally.denied,
          deniedByReason: underFaults.tally.deniedByReason,
          failures: underFaults.tally.failures,
        }
      : { skipped: 'BENCH_FAULT_KILLS=0' },
    reports: { measured: 'GET /api/operators/metro/reports/revenue?groupBy=day over 30 business days, p50 of the timed requests, gateway in process on the seeded schema', ...reportScale },
  };
  writeResults(RESULTS_FILE, results);
  console.log(`\n${formatTable(results)}\n`);
  console.log(`scan load: ${load.tally.scans} scans, ${load.tally.denied} denied ${JSON.stringify(load.tally.deniedByReason)}, ${load.tally.failureCount} failed ${JSON.stringify(load.tally.failures)}`);
  console.log(`frames: ${frames.unreadable} of ${frameFigures.n} unreadable (FRAME_UNREADABLE, included in frame_to_command_p99_ms; readable only: p99 ${summarise(frames.readableLatenciesMs).p99} ms)`);
  console.log(`CPU during the scan load, percent of one core: ${cpuText} (machine ${cpuLoad.machinePercentOfAllCores}% of all cores busy)`);
  console.log(`journeys priced: PostgreSQL ${pricing.journeysPricedPerS}/s, SQLite ${pricingSqlite.journeysPricedPerS}/s (${pricing.journeys} journeys)`);
  if (reportScale.skipped === undefined) console.log(`daily revenue report over ${reportScale.journeys.toLocaleString('en-US')} journeys: p50 ${reportScale.dailyRevenueMs.p50} ms, max ${reportScale.dailyRevenueMs.max} ms (a raw group-by: ${reportScale.rawGroupByMs} ms)`);
  console.log(`passage to charge: measured during the scan load over ${charges.n} journeys; ${journeys.outstanding} not charged in time`);
  console.log(`written to ${RESULTS_FILE}`);
} catch (error) {
  console.error(`bench: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
