/**
 * The demo network `npm start` brings up and the seeds load: one metro line of eight stations
 * with four gates each, and one bus route served by three buses, each with a validator at the
 * front door. Station ids are also lane (site) ids: one lane controller per station or bus.
 */
export interface OperatorDefinition {
  id: string;
  name: string;
  mode: 'metro' | 'bus';
  currency: string;
}

export interface SiteDefinition {
  id: string;
  name: string;
  operatorId: string;
  mode: 'metro' | 'bus';
  line: string;
  /** Position along the line, from 0. */
  order: number;
  deviceIds: string[];
}

export const DEMO_OPERATORS: OperatorDefinition[] = [
  { id: 'metro', name: 'City Metro', mode: 'metro', currency: 'EUR' },
  { id: 'bus', name: 'City Buses', mode: 'bus', currency: 'EUR' },
];

const METRO_STATION_NAMES = ['Harbour', 'Old Town', 'Cathedral', 'Market Square', 'University', 'Central Park', 'Stadium', 'Airport'];

export const DEMO_SITES: SiteDefinition[] = [
  ...METRO_STATION_NAMES.map((name, order) => {
    const id = `M1-${String(order + 1).padStart(2, '0')}`;
    return { id, name, operatorId: 'metro', mode: 'metro' as const, line: 'M1', order, deviceIds: [1, 2, 3, 4].map((gate) => `${id}-G${gate}`) };
  }),
  ...[1, 2, 3].map((bus, index) => {
    const id = `B42-${bus}`;
    return { id, name: `Bus 42 #${bus}`, operatorId: 'bus', mode: 'bus' as const, line: '42', order: index, deviceIds: [`${id}-V1`] };
  }),
];

/** Metro fares: a base fare plus a fare per station travelled, in minor units. */
export const DEMO_METRO_BASE_FARE_MINOR = 180;
export const DEMO_METRO_PER_STOP_MINOR = 40;
export const DEMO_BUS_FLAT_FARE_MINOR = 150;
/** Local time of the demo operators: time-of-day periods and business days follow it. */
export const DEMO_TIME_ZONE = 'Europe/Paris';

export function demoMetroFareMatrix(sites: readonly SiteDefinition[] = DEMO_SITES): Record<string, Record<string, number>> {
  const stations = sites.filter((site) => site.mode === 'metro');
  const matrix: Record<string, Record<string, number>> = {};
  for (const from of stations) {
    matrix[from.id] = {};
    for (const to of stations) matrix[from.id][to.id] = DEMO_METRO_BASE_FARE_MINOR + DEMO_METRO_PER_STOP_MINOR * Math.abs(from.order - to.order);
  }
  return matrix;
}

/**
 * The demo sites under other ids (`M1-01` becomes `M1-01-<suffix>`), so that tests sharing one
 * external broker never see each other's topics or sessions.
 */
export function sitesWithSuffix(sites: readonly SiteDefinition[], suffix: string): SiteDefinition[] {
  return sites.map((site) => ({ ...site, id: `${site.id}-${suffix}`, deviceIds: site.deviceIds.map((device) => `${device}-${suffix}`) }));
}
