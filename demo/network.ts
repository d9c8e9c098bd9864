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

/**
 * The demo toll road (docs/tolls.md): the Coast Expressway, a closed road between two barrier
 * plazas, West (TW) and East (TE), each with two entry and two exit lanes, and eight free-flow
 * gantries between them (TG01 .. TG08, two lanes each, one per direction of travel is not
 * modelled: a gantry lane reads both). A trip from plaza to plaza is priced by the entry-to-exit
 * matrix per vehicle class; gantry passages inside such a trip are its path evidence; gantry
 * passages of a vehicle that joined or left at an open junction between gantries are priced per
 * gantry segment. Device ids: {site}-{R|C|L|B|D}{lane} for roadside unit, camera, loop,
 * barrier and display.
 */
export interface TollLaneDefinition {
  lane: string;
  direction: 'entry' | 'exit' | 'pass';
  devices: { rsu: string; camera: string; loop?: string; barrier?: string; display?: string };
}

export interface TollSiteDefinition {
  id: string;
  name: string;
  operatorId: string;
  kind: 'plaza' | 'gantry';
  /** Position along the road. */
  km: number;
  order: number;
  lanes: TollLaneDefinition[];
}

export const DEMO_TOLL_OPERATOR = { id: 'road', name: 'Coast Expressway', mode: 'toll' as const, currency: 'EUR' };

function tollLane(site: string, lane: string, direction: TollLaneDefinition['direction'], barrier: boolean): TollLaneDefinition {
  const devices = { rsu: `${site}-R${lane}`, camera: `${site}-C${lane}`, loop: `${site}-L${lane}` };
  return { lane, direction, devices: barrier ? { ...devices, barrier: `${site}-B${lane}`, display: `${site}-D${lane}` } : devices };
}

const GANTRY_KM = [4, 9, 15, 22, 28, 35, 41, 47];

export const DEMO_TOLL_SITES: TollSiteDefinition[] = [
  { id: 'TW', name: 'West Plaza', operatorId: 'road', kind: 'plaza', km: 0, order: 0, lanes: [tollLane('TW', '1', 'entry', true), tollLane('TW', '2', 'entry', true), tollLane('TW', '3', 'exit', true), tollLane('TW', '4', 'exit', true)] },
  ...GANTRY_KM.map((km, index) => {
    const id = `TG${String(index + 1).padStart(2, '0')}`;
    return { id, name: `Gantry ${index + 1} (km ${km})`, operatorId: 'road', kind: 'gantry' as const, km, order: index + 1, lanes: [tollLane(id, '1', 'pass', false), tollLane(id, '2', 'pass', false)] };
  }),
  { id: 'TE', name: 'East Plaza', operatorId: 'road', kind: 'plaza', km: 52, order: 9, lanes: [tollLane('TE', '1', 'entry', true), tollLane('TE', '2', 'entry', true), tollLane('TE', '3', 'exit', true), tollLane('TE', '4', 'exit', true)] },
];

/**
 * The demo's vehicles drive the road this many times faster than real time (1 to 3 s between
 * sites 4 to 7 km apart, simulator/toll/tollTraffic.ts) and rest DEMO_VEHICLE_REST_MS between
 * trips (20 minutes of road time), so the demo gateway's speed limit for telling a cloned tag
 * (docs/tolls.md, "Cloned tags") is 250 km/h of road time, scaled alike.
 */
export const DEMO_ROAD_TIME_SCALE = 120;
export const DEMO_OBU_CLONE_MAX_SPEED_KMH = 250 * DEMO_ROAD_TIME_SCALE;
export const DEMO_VEHICLE_REST_MS = 10_000;

/** Vehicle classes of the demo tariff: 1 car, 2 van, 3 two-axle truck, 4 three-axle truck, 5 heavy goods. */
export const DEMO_VEHICLE_CLASSES = ['1', '2', '3', '4', '5'] as const;
/** Toll per km by class, minor units, and the multiplier of a plate-only (video) toll over the ETC price. */
export const DEMO_TOLL_PER_KM_MINOR: Record<string, number> = { '1': 10, '2': 15, '3': 25, '4': 35, '5': 45 };

export function tollSitesWithSuffix(sites: readonly TollSiteDefinition[], suffix: string): TollSiteDefinition[] {
  const rename = (id: string) => `${id}-${suffix}`;
  return sites.map((site) => ({
    ...site,
    id: rename(site.id),
    lanes: site.lanes.map((lane) => ({
      ...lane,
      devices: Object.fromEntries(Object.entries(lane.devices).map(([kind, device]) => [kind, rename(device)])) as TollLaneDefinition['devices'],
    })),
  }));
}
