import { z } from 'zod';

/**
 * The simulator process's configuration (docs/configuration.md, "Simulator"). Parsed once at
 * start-up and passed down frozen; nothing else reads the environment. Keyed by environment
 * variable.
 */
export const SimulatorEnv = z.object({
  MQTT_URL: z.string().url().default('mqtt://127.0.0.1:18830'),
  GATEWAY_URL: z.string().url().default('http://127.0.0.1:8420'),
  TURNPIKE_MQTT_SECRET: z.string().min(1).optional(),
  SIM_JOURNEYS_PER_MINUTE: z.coerce.number().positive().default(30),
  SIM_RIDERS: z.coerce.number().int().positive().default(40),
  SIM_TOPUP_MINOR: z.coerce.number().int().nonnegative().default(5000),
  SIM_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().nonnegative().default(10_000),
  SIM_FRAME_SHARE: z.coerce.number().min(0).max(1).default(0),
  SIM_SEED: z.coerce.number().int().default(42),
});

export interface SimulatorConfig {
  mqttUrl: string;
  gatewayUrl: string;
  /** Site secret the devices derive their MQTT passwords from. */
  mqttSecret?: string;
  journeysPerMinute: number;
  riderCount: number;
  topUpMinor: number;
  heartbeatIntervalMs: number;
  /** Share of scans sent as camera frames rather than decoded text. */
  frameShare: number;
  seed: number;
}

export function loadSimulatorConfig(env: NodeJS.ProcessEnv): Readonly<SimulatorConfig> {
  // An empty variable counts as unset, as in every other process.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = SimulatorEnv.parse(set);
  return Object.freeze({
    mqttUrl: parsed.MQTT_URL,
    gatewayUrl: parsed.GATEWAY_URL,
    mqttSecret: parsed.TURNPIKE_MQTT_SECRET,
    journeysPerMinute: parsed.SIM_JOURNEYS_PER_MINUTE,
    riderCount: parsed.SIM_RIDERS,
    topUpMinor: parsed.SIM_TOPUP_MINOR,
    heartbeatIntervalMs: parsed.SIM_HEARTBEAT_INTERVAL_MS,
    frameShare: parsed.SIM_FRAME_SHARE,
    seed: parsed.SIM_SEED,
  });
}
