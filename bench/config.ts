import { z } from 'zod';

/**
 * The benchmark's knobs: parsed once in main.ts, passed down frozen. Defaults are the published
 * workload (docs/operations.md, "Benchmark"); the environment may scale it for investigation.
 */
const int = (min: number) => z.coerce.number().int().min(min);

export const BenchConfigSchema = z.object({
  /** Combined decoded-text scan rate over all 40 gates. */
  scanRatePerS: int(1).default(400),
  warmupS: int(0).default(3),
  measureS: int(1).default(16),
  /** Riders enrolled for the load; each alternates entry and exit. */
  riders: int(40).default(800),
  topUpMinor: int(0).default(50_000),
  frames: int(1).default(100),
  frameRatePerS: int(1).default(8),
  /** Codes validated by the one-core throughput phase, and the credentials they come from. */
  validations: int(1000).default(40_000),
  validationCredentials: int(1).default(2_000),
  /** Riders walk through an open gate (passages flow to the gateway); false isolates the lanes' own cost. */
  walkThrough: z.preprocess((value) => (typeof value === 'string' ? !['0', 'false', 'no'].includes(value.toLowerCase()) : value), z.boolean()).default(true),
  /** How long to wait after the load for journeys still being charged. */
  journeyDrainMs: int(0).default(5_000),
  /** PostgreSQL for journeys_priced_per_s (a schema of its own is created and dropped); SQLite is measured too, for comparison. */
  databaseUrl: z.string().default('postgres://postgres@127.0.0.1:5432/test'),
  /** Riders whose business day the pricing phase feeds through the lane API's path (4 or 5 journeys each). */
  pricingRiders: int(100).default(10_000),
  /**
   * Lane batches in flight at once in the pricing phase. Every lane of the workload (11 stations,
   * one lane each) sends its batch when it fills or ages, so the gateway has as many requests in
   * hand as lanes with a batch; the default keeps them all in flight, taken in the order they were
   * sent. Batches that arrive while a round runs are stored and paired in the next one.
   */
  pricingConcurrency: int(1).default(11),
  /**
   * Scheduling priority (nice) of the gateway process. In service the gateway runs on machines of
   * its own, away from the lane controllers; sharing this machine's two cores with them, it would
   * otherwise hold a core for a whole scheduler slice while a scan waits. 0 runs it as an equal.
   */
  gatewayNice: z.coerce.number().int().min(0).max(19).default(19),
  /**
   * Run the gateway under SCHED_IDLE (chrt --idle), below every nice level: it takes the CPU the
   * lanes, the broker and the turnstiles leave. nice 19 alone still let it hold a core for a
   * scheduler slice on this machine's kernel (EEVDF). 0 leaves it at gatewayNice.
   */
  gatewayIdle: z.enum(['0', '1']).default('1').transform((value) => value === '1'),
  /** Combined vehicle rate over the 16 barrier lanes of the toll phase (obu_to_barrier_p99_ms). */
  tollRatePerS: int(1).default(200),
  tollWarmupS: int(0).default(2),
  tollMeasureS: int(1).default(10),
  /** Vehicles flooded through one gantry lane controller (gantry_reads_per_s). */
  gantryVehicles: int(100).default(20_000),
  /**
   * Broker kills in the broker-fault phase (scan_to_command_p99_under_faults_ms): Mosquitto is
   * SIGKILLed this many times while scans go on, and started again after 1-3 s. 0 skips the phase.
   */
  faultKills: z.coerce.number().int().min(0).max(20).default(3),
  /** Combined scan rate over all 40 gates during the broker-fault phase. */
  faultScanRatePerS: int(1).default(200),
  /** Seed of the kill schedule (when each kill falls, how long the broker stays dead). */
  faultSeed: z.coerce.number().int().min(0).default(7),
  /** Journeys seeded into PostgreSQL (schema bench_reports, reused while it holds this count) for report_10m_ms; 0 skips the phase. */
  reportJourneys: z.coerce.number().int().min(0).default(10_000_000),
  /** Timed requests of each report in that phase (after two warm-up requests). */
  reportRequests: int(1).default(20),
  /** Extra node arguments for the server process, e.g. "--cpu-prof --cpu-prof-dir=.tmp/prof". */
  serverNodeArgs: z.string().default(''),
});

export type BenchConfig = Readonly<z.infer<typeof BenchConfigSchema>>;

const BENCH_ENV: Record<keyof z.infer<typeof BenchConfigSchema>, string> = {
  scanRatePerS: 'BENCH_SCAN_RATE_PER_S',
  warmupS: 'BENCH_WARMUP_S',
  measureS: 'BENCH_MEASURE_S',
  riders: 'BENCH_RIDERS',
  topUpMinor: 'BENCH_TOP_UP_MINOR',
  frames: 'BENCH_FRAMES',
  frameRatePerS: 'BENCH_FRAME_RATE_PER_S',
  validations: 'BENCH_VALIDATIONS',
  validationCredentials: 'BENCH_VALIDATION_CREDENTIALS',
  walkThrough: 'BENCH_WALK_THROUGH',
  journeyDrainMs: 'BENCH_JOURNEY_DRAIN_MS',
  databaseUrl: 'DATABASE_URL',
  pricingRiders: 'BENCH_PRICING_RIDERS',
  pricingConcurrency: 'BENCH_PRICING_CONCURRENCY',
  gatewayNice: 'BENCH_GATEWAY_NICE',
  gatewayIdle: 'BENCH_GATEWAY_IDLE',
  serverNodeArgs: 'BENCH_SERVER_NODE_ARGS',
  tollRatePerS: 'BENCH_TOLL_RATE_PER_S',
  tollWarmupS: 'BENCH_TOLL_WARMUP_S',
  tollMeasureS: 'BENCH_TOLL_MEASURE_S',
  gantryVehicles: 'BENCH_GANTRY_VEHICLES',
  faultKills: 'BENCH_FAULT_KILLS',
  faultScanRatePerS: 'BENCH_FAULT_SCAN_RATE_PER_S',
  faultSeed: 'BENCH_FAULT_SEED',
  reportJourneys: 'BENCH_REPORT_JOURNEYS',
  reportRequests: 'BENCH_REPORT_REQUESTS',
};

export function loadBenchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(BENCH_ENV)) if (env[name] !== undefined && env[name] !== '') raw[key] = env[name];
  const parsed = BenchConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid benchmark configuration: ${parsed.error.issues.map((issue) => `${BENCH_ENV[issue.path[0] as keyof typeof BENCH_ENV] ?? String(issue.path[0])}: ${issue.message}`).join('; ')}`);
  return Object.freeze(parsed.data);
}
