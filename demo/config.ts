import { z } from 'zod';

/**
 * Options of `npm start` (docs/configuration.md, "Demo"). The gateway and lanes read their own
 * options (gateway/config.ts, lanes/config.ts); these are the demo's only.
 */
const optionalText = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);

export const DemoConfigSchema = z.object({
  /** External broker; absent starts the embedded one. */
  mqttUrl: optionalText,
  redisUrl: optionalText,
  /** Site secret every MQTT and lane API credential derives from; absent, a random one for this run. */
  mqttSecret: optionalText,
  brokerPort: int(0, 65535).default(18830),
  dataDir: z.string().min(1).default('data'),
  riders: int(1, 10_000).default(60),
  journeysPerMinute: int(1, 100_000).default(90),
  /** Share of scans that arrive as camera frames (decoded by the lane with jsqr). */
  frameShare: z.coerce.number().min(0).max(1).default(0.05),
  topUpMinor: int(0).default(5000),
  /** Simulated vehicles on the toll road, and how many start a trip each minute (0: no toll road). */
  vehicles: int(0, 100_000).default(200),
  vehiclesPerMinute: int(0, 100_000).default(60),
  /** Password of the demo's staff and demo rider logins; absent, a random one for this run, printed at start. */
  demoPassword: z.preprocess((value) => (value === '' ? undefined : value), z.string().min(12, 'at least 12 characters').optional()),
});

export type DemoConfig = Readonly<z.infer<typeof DemoConfigSchema>>;

/** Environment variable of each option (docs/configuration.md). */
export const DEMO_ENV: Record<keyof DemoConfig, string> = {
  mqttUrl: 'MQTT_URL',
  redisUrl: 'REDIS_URL',
  mqttSecret: 'TURNPIKE_MQTT_SECRET',
  brokerPort: 'TURNPIKE_BROKER_PORT',
  dataDir: 'TURNPIKE_DATA_DIR',
  riders: 'TURNPIKE_DEMO_RIDERS',
  journeysPerMinute: 'TURNPIKE_DEMO_JOURNEYS_PER_MINUTE',
  frameShare: 'TURNPIKE_DEMO_FRAME_SHARE',
  topUpMinor: 'TURNPIKE_DEMO_TOP_UP_MINOR',
  vehicles: 'TURNPIKE_DEMO_VEHICLES',
  vehiclesPerMinute: 'TURNPIKE_DEMO_VEHICLES_PER_MINUTE',
  demoPassword: 'TURNPIKE_DEMO_PASSWORD',
};

export function loadDemoConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(DEMO_ENV)) if (env[name] !== undefined && env[name] !== '') raw[key] = env[name];
  const parsed = DemoConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${DEMO_ENV[issue.path[0] as keyof DemoConfig] ?? String(issue.path[0])}: ${issue.message}`);
    throw new Error(`invalid demo configuration: ${problems.join('; ')}`);
  }
  return Object.freeze(parsed.data);
}
