/**
 * How big a fault run is. `small` (default) keeps all scenarios together within a few minutes on
 * a two-core machine; `full` is the size the guarantees are stated at (thousands of scans,
 * hundreds of kills). FAULT_SCALE=full selects it.
 */
export interface FaultScale {
  name: 'small' | 'full';
  brokerKill: { lanes: number; riders: number; scans: number; kills: number };
  laneKill: { lanes: number; riders: number; kills: number };
  gatewayOutage: { lanes: number; riders: number; passages: number };
  gatewayKill: { lanes: number; riders: number; passages: number; kills: number };
  mqttChaos: { lanes: number; riders: number; scans: number };
  databaseCut: { lanes: number; riders: number; passages: number; cuts: number };
  redisCut: { riders: number; scans: number; cuts: number };
}

const SMALL: FaultScale = {
  name: 'small',
  brokerKill: { lanes: 4, riders: 16, scans: 600, kills: 3 },
  laneKill: { lanes: 2, riders: 8, kills: 8 },
  gatewayOutage: { lanes: 2, riders: 16, passages: 400 },
  gatewayKill: { lanes: 2, riders: 8, passages: 200, kills: 3 },
  mqttChaos: { lanes: 2, riders: 8, scans: 800 },
  databaseCut: { lanes: 2, riders: 8, passages: 200, cuts: 3 },
  redisCut: { riders: 8, scans: 200, cuts: 2 },
};

const FULL: FaultScale = {
  name: 'full',
  brokerKill: { lanes: 4, riders: 32, scans: 10_000, kills: 5 },
  laneKill: { lanes: 4, riders: 32, kills: 200 },
  gatewayOutage: { lanes: 4, riders: 64, passages: 20_000 },
  gatewayKill: { lanes: 4, riders: 32, passages: 5000, kills: 20 },
  mqttChaos: { lanes: 4, riders: 32, scans: 5000 },
  databaseCut: { lanes: 4, riders: 32, passages: 5000, cuts: 10 },
  redisCut: { riders: 16, scans: 3000, cuts: 5 },
};

/** A scenario's time limit at this scale: the small limit, ten times over at full size. */
export function scenarioTimeoutMs(scale: FaultScale, smallMs: number): number {
  return scale.name === 'full' ? smallMs * 10 : smallMs;
}

export function faultScale(env: NodeJS.ProcessEnv = process.env): FaultScale {
  const name = env.FAULT_SCALE ?? 'small';
  if (name === 'small' || name === '') return SMALL;
  if (name === 'full') return FULL;
  throw new RangeError(`FAULT_SCALE must be small or full, got ${name}`);
}
