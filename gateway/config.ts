import { z } from 'zod';
import { isKnownTimeZone } from './tariffs/localTime.js';

/**
 * The gateway's configuration: parsed once at start-up, passed down frozen. Nothing else in
 * gateway/ reads process.env. Every key has a default and its unit in its name.
 */
const optionalText = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const flag = z.preprocess((value) => (typeof value === 'string' ? ['1', 'true', 'yes'].includes(value.toLowerCase()) : value), z.boolean());

export const GatewayConfigSchema = z.object({
  /** HTTP port on 127.0.0.1; 0 picks any free port. */
  httpPort: int(0, 65535).default(8420),
  /** postgres://... selects PostgreSQL; absent selects SQLite at sqliteFile. */
  databaseUrl: optionalText,
  /** PostgreSQL schema to work in (created if missing). */
  databaseSchema: optionalText,
  sqliteFile: z.string().min(1).default('data/gateway.sqlite'),
  /** MQTT broker; absent means the caller passes a client in (the demo's embedded broker) or none. */
  mqttUrl: optionalText,
  /**
   * Site secret (docs/operations.md, "Credentials"): the gateway's MQTT password and the lane
   * API tokens derive from it. Absent, the lane API is open; every deployment and `npm start` sets it.
   */
  mqttSecret: optionalText,
  /** ISO 4217 alphabetic code of the one currency this gateway charges in. */
  currency: z.string().regex(/^[A-Z]{3}$/).default('EUR'),
  credentialValidForS: int(60).default(86_400),
  /** How long a newly created issuer key signs credentials. */
  issuerKeyValidForS: int(3600).default(90 * 86_400),
  /** Credentials start this much before issue, so a phone with a slow clock can use them at once. */
  credentialBackdateS: int(0, 3600).default(60),
  maxOfflineLimitMinor: int(0, 0xffffffff).default(3000),
  defaultPayLaterLimitMinor: int(0).default(2000),
  /** Credit score to pay-later line, "score:limitMinor" steps; a rider gets the highest step at or below their score. */
  payLaterScoreLimits: z.string().regex(/^\d+:\d+(,\d+:\d+)*$/).default('600:1000,700:2000,800:5000'),
  /** A rider scored below this gets no pay-later line: travel needs funds in the wallet. */
  payLaterMinScore: int(0).default(600),
  /** An advanced charge not repaid this long after the advance deny-lists the account (0: at once). */
  arrearsGraceS: int(0).default(259_200),
  /** How often an outstanding advance is retried against the account's funds (top-ups retry at once). */
  arrearsRetryIntervalS: int(1).default(21_600),
  /** An entry with no exit for this long is priced as a missing exit. */
  missingExitTimeoutS: int(1).default(10_800),
  /** An exit with no entry waits this long (from its arrival) for a late entry before it is priced. */
  unpairedExitHoldS: int(0).default(3600),
  sweepIntervalMs: int(0).default(30_000),
  /**
   * Cloned tags (docs/tolls.md): one tag read at two sites further apart than a vehicle can drive
   * at this speed in the time between is two vehicles. 0 turns the rule off.
   */
  obuCloneMaxSpeedKmh: int(0).default(250),
  /** How far two lanes' clocks may disagree: added to the time between two reads of a tag. */
  obuCloneClockSlackMs: int(0).default(5000),
  /** Largest accepted request body; larger ones are answered BODY_TOO_LARGE. */
  maxBodyBytes: int(1024).default(2 * 1_048_576),
  /** Comment line sent on idle live streams so proxies keep them open. */
  liveKeepAliveMs: int(1000).default(15_000),
  /** A lane whose last report is older than this is shown as silent. */
  laneSilentAfterMs: int(1000).default(60_000),
  /** A lane whose trust copy is older than this is shown as stale. */
  laneTrustStaleAfterMs: int(1000).default(300_000),
  /** A device its lane has not heard from (heartbeat, status or event) for this long is shown as silent. */
  deviceSilentAfterMs: int(1000).default(30_000),
  /** Load the demo network (operators, sites, tariffs) at start; idempotent. */
  seedDemoNetwork: flag.default(false),
  /** IANA time zone of reports and settlement: business days are counted in its local time. */
  businessTimeZone: z.string().refine(isKnownTimeZone, 'not a known IANA time zone').default('Europe/Paris'),
  /** Local time a business day ends (HH:MM): a passage at 01:00 belongs to the day before. */
  businessDayCutoff: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM').default('04:30'),
  /** scrypt cost of new password hashes, as log2 of N (17 is OWASP's minimum; each step doubles the time). */
  passwordCostLog2: int(10, 20).default(17),
  /** How long a staff login lasts. */
  staffSessionTtlS: int(60).default(8 * 3600),
  /** How long a rider's web login lasts. */
  riderSessionTtlS: int(60).default(30 * 86_400),
  /** How long the access token a rider's app receives at sign-up lasts. */
  riderAppTokenTtlS: int(60).default(365 * 86_400),
  /** Failed logins allowed per login name (four times as many per client address) within loginWindowS before LOGIN_RATE_LIMITED. */
  loginMaxFailures: int(1).default(5),
  loginWindowS: int(1).default(900),
  /** How often the ride code page (/me) signs a fresh code; below the lanes' codeFreshnessS, so a shown code is never stale. */
  rideCodeRefreshS: int(1, 3600).default(20),
  /** Mark session cookies Secure (the gateway is reached over HTTPS, e.g. behind a TLS proxy). */
  secureCookies: flag.default(false),
  /** How many ended business days lanes are asked to report their journal of (docs/protocol.md, "Journal days"). */
  settlementReportDays: int(1, 92).default(7),
});

export type GatewayConfig = Readonly<z.infer<typeof GatewayConfigSchema>>;

/** Environment variable of each key (docs/configuration.md). */
export const GATEWAY_ENV: Record<keyof z.infer<typeof GatewayConfigSchema>, string> = {
  httpPort: 'TURNPIKE_HTTP_PORT',
  databaseUrl: 'DATABASE_URL',
  databaseSchema: 'TURNPIKE_DATABASE_SCHEMA',
  sqliteFile: 'TURNPIKE_SQLITE_FILE',
  mqttUrl: 'MQTT_URL',
  mqttSecret: 'TURNPIKE_MQTT_SECRET',
  currency: 'TURNPIKE_CURRENCY',
  credentialValidForS: 'TURNPIKE_CREDENTIAL_VALID_FOR_S',
  issuerKeyValidForS: 'TURNPIKE_ISSUER_KEY_VALID_FOR_S',
  credentialBackdateS: 'TURNPIKE_CREDENTIAL_BACKDATE_S',
  maxOfflineLimitMinor: 'TURNPIKE_MAX_OFFLINE_LIMIT_MINOR',
  defaultPayLaterLimitMinor: 'TURNPIKE_DEFAULT_PAY_LATER_LIMIT_MINOR',
  payLaterScoreLimits: 'TURNPIKE_PAY_LATER_SCORE_LIMITS',
  payLaterMinScore: 'TURNPIKE_PAY_LATER_MIN_SCORE',
  arrearsGraceS: 'TURNPIKE_ARREARS_GRACE_S',
  arrearsRetryIntervalS: 'TURNPIKE_ARREARS_RETRY_INTERVAL_S',
  missingExitTimeoutS: 'TURNPIKE_MISSING_EXIT_TIMEOUT_S',
  unpairedExitHoldS: 'TURNPIKE_UNPAIRED_EXIT_HOLD_S',
  sweepIntervalMs: 'TURNPIKE_SWEEP_INTERVAL_MS',
  obuCloneMaxSpeedKmh: 'TURNPIKE_OBU_CLONE_MAX_SPEED_KMH',
  obuCloneClockSlackMs: 'TURNPIKE_OBU_CLONE_CLOCK_SLACK_MS',
  maxBodyBytes: 'TURNPIKE_MAX_BODY_BYTES',
  liveKeepAliveMs: 'TURNPIKE_LIVE_KEEPALIVE_MS',
  laneSilentAfterMs: 'TURNPIKE_LANE_SILENT_AFTER_MS',
  laneTrustStaleAfterMs: 'TURNPIKE_LANE_TRUST_STALE_AFTER_MS',
  deviceSilentAfterMs: 'TURNPIKE_DEVICE_SILENT_AFTER_MS',
  seedDemoNetwork: 'TURNPIKE_SEED_DEMO',
  businessTimeZone: 'TURNPIKE_BUSINESS_TIME_ZONE',
  businessDayCutoff: 'TURNPIKE_BUSINESS_DAY_CUTOFF',
  passwordCostLog2: 'TURNPIKE_PASSWORD_COST_LOG2',
  staffSessionTtlS: 'TURNPIKE_STAFF_SESSION_TTL_S',
  riderSessionTtlS: 'TURNPIKE_RIDER_SESSION_TTL_S',
  riderAppTokenTtlS: 'TURNPIKE_RIDER_APP_TOKEN_TTL_S',
  loginMaxFailures: 'TURNPIKE_LOGIN_MAX_FAILURES',
  loginWindowS: 'TURNPIKE_LOGIN_WINDOW_S',
  rideCodeRefreshS: 'TURNPIKE_RIDE_CODE_REFRESH_S',
  secureCookies: 'TURNPIKE_SECURE_COOKIES',
  settlementReportDays: 'TURNPIKE_SETTLEMENT_REPORT_DAYS',
};

/** Parse the environment (plus explicit overrides, which win) into a frozen configuration. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<z.input<typeof GatewayConfigSchema>> = {}): GatewayConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(GATEWAY_ENV)) if (env[name] !== undefined && env[name] !== '') raw[key] = env[name];
  const parsed = GatewayConfigSchema.safeParse({ ...raw, ...overrides });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      return `${key}${key in GATEWAY_ENV ? ` (${GATEWAY_ENV[key as keyof typeof GATEWAY_ENV]})` : ''}: ${issue.message}`;
    });
    throw new Error(`invalid gateway configuration: ${problems.join('; ')}`);
  }
  return Object.freeze(parsed.data);
}

/** Defaults plus overrides, ignoring the environment: what tests use. */
export function gatewayConfig(overrides: Partial<z.input<typeof GatewayConfigSchema>> = {}): GatewayConfig {
  return loadGatewayConfig({}, overrides);
}
