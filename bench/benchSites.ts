import type { SiteDefinition } from '../demo/network.js';

/**
 * The benchmark's network: one metro line of ten stations with four gates each (40 gates, ten
 * lane controllers). The demo line has eight stations; this one follows the same ids and shape.
 */
export const BENCH_STATION_NAMES = ['Harbour', 'Old Town', 'Cathedral', 'Market Square', 'University', 'Central Park', 'Stadium', 'Airport', 'Riverside', 'Exhibition Centre'];
export const BENCH_GATES_PER_STATION = 4;

export const BENCH_SITES: SiteDefinition[] = BENCH_STATION_NAMES.map((name, order) => {
  const id = `M1-${String(order + 1).padStart(2, '0')}`;
  const deviceIds = Array.from({ length: BENCH_GATES_PER_STATION }, (_, gate) => `${id}-G${gate + 1}`);
  return { id, name, operatorId: 'metro', mode: 'metro' as const, line: 'M1', order, deviceIds };
});
