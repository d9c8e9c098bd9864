import { join } from 'node:path';
import { z } from 'zod';
import { ID_PATTERN } from '../protocol/topics.js';
import { LaneConfigError } from './errors.js';
import { TollLanesSchema } from './toll/tollLaneConfig.js';

/**
 * The lane controller's configuration (docs/configuration.md, "Lane controller"): parsed once at
 * start-up, then passed down frozen. This is the only file of lanes/ that reads the environment.
 */
const siteIdSchema = z.string().regex(ID_PATTERN);
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();

export const LaneConfigSchema = z
  .object({
    /** Lane (site) id: one lane controller per station or bus; also the MQTT site segment. */
    siteId: siteIdSchema,
    /** Station the lane serves; defaults to siteId. Used codes are shared station-wide. */
    stationId: siteIdSchema.optional(),
    mode: z.enum(['metro', 'bus', 'toll']).default('metro'),
    gatewayUrl: z.string().url().default('http://127.0.0.1:8420'),
    mqttUrl: z.string().min(1).default('mqtt://127.0.0.1:18830'),
    /** Site secret (docs/operations.md, "Credentials"): derives this lane's MQTT password and lane API token unless they are given. */
    mqttSecret: z.string().min(1).optional(),
    /** MQTT user name; defaults to lane.{siteId} when a secret or password is set (lanes/laneCredentials.ts). */
    mqttUsername: z.string().min(1).optional(),
    /** MQTT password; defaults to the one derived from mqttSecret. */
    mqttPassword: z.string().min(1).optional(),
    /** Bearer token for the gateway's lane API; defaults to the one derived from mqttSecret. */
    gatewayToken: z.string().min(1).optional(),
    /** MQTT client id; a persistent session keeps QoS 1 events queued while the lane restarts. */
    mqttClientId: z.string().min(1).optional(),
    /** Absent: the hot state (used codes, passback) lives in this process. */
    redisUrl: z.string().min(1).optional(),
    hotStorePrefix: z.string().default('tp:'),
    /** A Redis call slower than this falls back to the local hot state. */
    hotStoreTimeoutMs: positiveInt.default(50),
    /** How often a degraded hot store probes Redis to recover. */
    hotStoreProbeIntervalMs: positiveInt.default(1000),
    /** SQLite journal, outbox and trust copy of this lane; defaults to ./data/lane-{siteId}.sqlite. */
    journalFile: z.string().min(1).optional(),
    codeFreshnessS: positiveInt.default(30),
    clockSkewToleranceS: nonNegativeInt.default(10),
    gateOpenForMs: positiveInt.default(8000),
    /** Added to gateOpenForMs before an unconfirmed decision is expired. */
    confirmationMarginMs: nonNegativeInt.default(5000),
    commandTtlMs: positiveInt.default(2000),
    /** How long an entry blocks a second entry of the same token (metro only). */
    passbackWindowS: positiveInt.default(3 * 3600),
    trustStaleAfterS: positiveInt.default(300),
    requiredOfflineLimitMinor: nonNegativeInt.default(1),
    /** The stated policy when the trust copy is stale: only credentials with a higher offline limit pass. */
    staleRequiredOfflineLimitMinor: nonNegativeInt.default(1000),
    trustPollIntervalMs: positiveInt.default(30_000),
    statusIntervalMs: positiveInt.default(10_000),
    /** How often the lane asks the gateway which ended business days it wants the journal of, and sends those it lacks. */
    journalReportIntervalMs: positiveInt.default(300_000),
    httpTimeoutMs: positiveInt.default(5000),
    outboxBatchSize: positiveInt.max(1000).default(200),
    /** A confirmed passage waits this long for others before its batch goes (the gateway pays per batch). */
    outboxLingerMs: nonNegativeInt.default(200),
    outboxRetryMinMs: positiveInt.default(500),
    outboxRetryMaxMs: positiveInt.default(30_000),
    credentialCacheSize: positiveInt.default(50_000),
    maxPayloadBytes: positiveInt.default(1_048_576),
    /** How often a worker thread checkpoints the journal's WAL (never inside a scan's commit). */
    walCheckpointIntervalMs: positiveInt.default(1000),
    /** Toll mode: a barrier plaza or a free-flow gantry. */
    tollSiteKind: z.enum(['plaza', 'gantry']).default('gantry'),
    /** Toll mode: the physical lanes and their devices, as JSON (lanes/toll/tollLaneConfig.ts). */
    tollLanes: TollLanesSchema.optional(),
    /** Reads of one vehicle in one physical lane are fused when their read times lie this close. */
    tollFusionWindowMs: positiveInt.default(1500),
    /** The same vehicle read again within this time at the site (or its duplicate group) is one passage. */
    tollDuplicateWindowS: positiveInt.default(120),
    /** Sites sharing this id (say, two gantries a few hundred metres apart) share the duplicate check; defaults to the site. */
    tollDuplicateGroup: siteIdSchema.optional(),
    /** Plate reads below this confidence count as no read (LOW_CONFIDENCE). */
    tollPlateMinConfidence: z.coerce.number().min(0).max(1).default(0.8),
    /** A lifted vehicle the loop has not seen clear within this time is closed without a passage. */
    tollClearTimeoutMs: positiveInt.default(60_000),
    /** A device silent this long (no heartbeat or event) counts as offline. */
    tollDeviceSilenceMs: positiveInt.default(30_000),
  })
  .transform((raw) => ({
    ...raw,

    stationId: raw.stationId ?? raw.siteId,
    mqttClientId: raw.mqttClientId ?? `turnpike-lane-${raw.siteId}`,
    journalFile: raw.journalFile ?? join('data', `lane-${raw.siteId}.sqlite`),
  }));

export type LaneConfig = Readonly<z.output<typeof LaneConfigSchema>>;
export type LaneConfigInput = z.input<typeof LaneConfigSchema>;

/** Environment variable of each option: LANE_ + the name in upper snake case, except the shared URLs. */
const SHARED_ENV: Record<string, string> = { gatewayUrl: 'GATEWAY_URL', mqttUrl: 'MQTT_URL', redisUrl: 'REDIS_URL' };

export function envVarOf(key: string): string {
  return SHARED_ENV[key] ?? `LANE_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

export const LANE_CONFIG_KEYS = Object.keys(LaneConfigSchema.in.shape) as (keyof LaneConfigInput)[];

export function parseLaneConfig(input: Partial<LaneConfigInput>): LaneConfig {
  const parsed = LaneConfigSchema.safeParse(input);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'} (${envVarOf(String(issue.path[0]))}): ${issue.message}`).join('; ');
    throw new LaneConfigError(`invalid lane configuration: ${detail}`, { cause: parsed.error });
  }
  if (parsed.data.outboxRetryMaxMs < parsed.data.outboxRetryMinMs) throw new LaneConfigError('outboxRetryMaxMs must not be below outboxRetryMinMs');
  if (parsed.data.mode === 'toll' && !parsed.data.tollLanes?.length) throw new LaneConfigError('a toll lane needs tollLanes (LANE_TOLL_LANES)');
  return Object.freeze(parsed.data);
}

/** Read the configuration from an environment (process.env in lanes/main.ts), then apply overrides. */
export function loadLaneConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<LaneConfigInput> = {}): LaneConfig {
  const fromEnv: Record<string, string> = {};
  for (const key of LANE_CONFIG_KEYS) {
    const value = env[envVarOf(key)];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  return parseLaneConfig({ ...fromEnv, ...overrides });
}
