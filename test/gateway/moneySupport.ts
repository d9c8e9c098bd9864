import { passage, sendPassages, type ApiClient, type EnrolledRider, type TestGateway } from './support.js';
import { demoMetroFareMatrix } from '../../demo/network.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const METRO_FARES = demoMetroFareMatrix();
export const BUS_FARE = 150;

export async function topUp(api: ApiClient, riderId: string, amountMinor: number, reference: string) {
  const answer = await api.call('POST', `/api/riders/${riderId}/topups`, { amountMinor, reference });
  if (answer.status >= 300) throw new Error(`top-up refused: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** A bus boarding at the test clock's time; the clock then moves on 10 minutes. */
export async function rideBus(t: TestGateway, rider: EnrolledRider, bus = 'B42-1'): Promise<void> {
  await sendPassages(t.api, [passage(rider.tokenId, bus, 'board', t.clock.now())]);
  t.clock.advance(10 * MIN);
}

/** A metro trip starting at the test clock's time; the clock then moves on 30 minutes. */
export async function rideMetro(t: TestGateway, rider: EnrolledRider, from: string, to: string): Promise<void> {
  const at = t.clock.now();
  await sendPassages(t.api, [passage(rider.tokenId, from, 'entry', at), passage(rider.tokenId, to, 'exit', at + 15 * MIN)]);
  t.clock.advance(30 * MIN);
}

export async function riderView(api: ApiClient, riderId: string) {
  return (await api.call('GET', `/api/riders/${riderId}`)).body;
}

export async function arrearsOf(api: ApiClient, riderId: string) {
  return (await api.call('GET', `/api/riders/${riderId}/arrears`)).body;
}

export async function chargesOf(api: ApiClient, riderId: string): Promise<Array<{ id: string; journeyId: string; amountMinor: number; operatorId: string; description: string }>> {
  return (await api.call('GET', `/api/riders/${riderId}/charges`)).body.charges;
}
