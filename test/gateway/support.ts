import { generateKeyPairSync } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { seedDemoNetwork } from '../../db/seeds/demoNetwork.js';
import { gatewayConfig, type GatewayConfigSchema } from '../../gateway/config.js';
import { Gateway } from '../../gateway/gateway.js';
import { ManualClock } from '../../protocol/clock.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { PassageRecord } from '../../protocol/laneApi.js';
import type { Direction } from '../../protocol/messages.js';
import { ED25519 } from '../../protocol/ridecode/algorithms.js';
import { connectMqtt, endMqtt } from '../../runtime/mqtt.js';
import { staffSession } from '../support/access.js';
import { openTestDatabase, startTestBroker, type TestBroker, type TestDatabase } from '../support/environment.js';
import type { z } from 'zod';

export const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** HTTP calls to a gateway as one principal: a bearer token (staff or rider), or nobody. */
export class ApiClient {
  constructor(readonly baseUrl: string, readonly token?: string) {}

  /** The same gateway, as another principal (a token from test/support/access.ts), or anonymous. */
  as(token: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  async call<T = any>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    return this.raw(method, path, body === undefined ? undefined : JSON.stringify(body));
  }

  async raw<T = any>(method: string, path: string, text?: string, contentType = 'application/json'): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...(text === undefined ? {} : { 'content-type': contentType }), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) };
    const response = await fetch(this.baseUrl + path, { method, body: text, headers });
    const type = response.headers.get('content-type') ?? '';
    const payload = type.includes('json') ? await response.json() : await response.text();
    return { status: response.status, body: payload as T, headers: response.headers };
  }
}

export interface TestGateway {
  gateway: Gateway;
  db: TestDatabase;
  broker?: TestBroker;
  clock: ManualClock;
  /** As the network's own admin (who may do anything); `.as(token)` for others. */
  api: ApiClient;
  close(): Promise<void>;
}

/** A gateway on a fresh database with the demo network, on a free port, with a manual clock. */
export async function startTestGateway(options: { broker?: boolean; config?: Partial<z.input<typeof GatewayConfigSchema>>; clock?: ManualClock } = {}): Promise<TestGateway> {
  const clock = options.clock ?? new ManualClock(T0);
  const db = await openTestDatabase();
  let broker: TestBroker | undefined;
  try {
    await seedDemoNetwork(db.knex);
    broker = options.broker ? await startTestBroker() : undefined;
    const config = gatewayConfig({ httpPort: 0, sweepIntervalMs: 0, mqttUrl: broker?.url, passwordCostLog2: 10, ...options.config });
    const gateway = await new Gateway({ config, clock, knex: db.knex }).start();
    const admin = await staffSession(db.knex, { role: 'admin', operatorId: null, now: clock.now() });
    return {
      gateway,
      db,
      broker,
      clock,
      api: new ApiClient(gateway.url, admin.token),
      async close() {
        await gateway.close();
        await db.close();
        await broker?.close();
      },
    };
  } catch (error) {
    await db.close();
    await broker?.close();
    throw error;
  }
}

export interface EnrolledRider {
  riderId: string;
  phoneId: string;
  tokenId: string;
  publicKey: string;
}

export async function enrolRider(api: ApiClient, body: { name?: string; payLaterLimitMinor?: number } = {}): Promise<EnrolledRider> {
  const rider = await api.call('POST', '/api/riders', { name: body.name ?? 'Ada', payLaterLimitMinor: body.payLaterLimitMinor });
  if (rider.status !== 201) throw new Error(`register failed: ${JSON.stringify(rider.body)}`);
  const publicKey = ED25519.rawFromPublicKey(generateKeyPairSync('ed25519').publicKey).toString('base64url');
  const phone = await api.call('POST', `/api/riders/${rider.body.id}/phones`, { publicKey, algorithm: 'ed25519' });
  if (phone.status !== 201) throw new Error(`enrol failed: ${JSON.stringify(phone.body)}`);
  return { riderId: rider.body.id, phoneId: phone.body.phoneId, tokenId: phone.body.tokenId, publicKey };
}

const laneSeqs = new Map<string, number>();

/** A confirmed passage as a lane forwards it; lane id = station id, gap-free sequence per lane. */
export function passage(tokenId: string, stationId: string, direction: Direction, passedAt: number): PassageRecord {
  const laneSeq = (laneSeqs.get(stationId) ?? 0) + 1;
  laneSeqs.set(stationId, laneSeq);
  return {
    id: uuidv7(),
    laneId: stationId,
    laneSeq,
    stationId,
    deviceId: `${stationId}-${stationId.startsWith('B') ? 'V1' : direction === 'entry' ? 'G1' : 'G3'}`,
    mode: stationId.startsWith('B') ? 'bus' : 'metro',
    direction,
    tokenId,
    keyId: 1,
    fareClass: 0,
    decidedAt: passedAt - 300,
    passedAt,
    tailgate: false,
    trustStale: false,
  };
}

/** Send passages the way lanes do: one batch per lane, in the order given. */
export async function sendPassages(api: ApiClient, passages: PassageRecord[]): Promise<ApiAnswer> {
  let last: ApiAnswer | undefined;
  for (const one of passages) {
    last = await api.call('POST', '/api/lane/v1/passages', { laneId: one.laneId, passages: [one] });
    if (last.status !== 200) throw new Error(`passages refused: ${JSON.stringify(last.body)}`);
  }
  return last!;
}

/** Subscribe a separate client and collect what arrives on a topic. */
export async function listen(url: string, topic: string): Promise<{ client: MqttClient; messages: unknown[]; next(match: (message: any) => boolean, timeoutMs?: number): Promise<any>; close(): Promise<void> }> {
  const client = await connectMqtt(url, { clientId: `test-${uuidv7().slice(-12)}` });
  const messages: unknown[] = [];
  const waiters: Array<{ match: (message: any) => boolean; resolve: (message: unknown) => void }> = [];
  client.on('message', (_topic, payload) => {
    const message = JSON.parse(payload.toString());
    messages.push(message);
    for (const waiter of [...waiters]) if (waiter.match(message)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    }
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return {
    client,
    messages,
    next(match, timeoutMs = 5000) {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching message on ${topic} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ match, resolve: (message) => (clearTimeout(timer), resolve(message)) });
      });
    },
    close: () => endMqtt(client),
  };
}

/** A step of a rider's day in the property tests. */
export type RiderStep = { kind: 'trip'; from: string; to: string } | { kind: 'entry'; from: string } | { kind: 'exit'; to: string } | { kind: 'bus'; bus: string };

/** One rider's day as lanes record it, with strictly increasing passage times (gaps cycle). */
export function passagesOfDay(tokenId: string, steps: RiderStep[], gapsMs: number[]): PassageRecord[] {
  const out: PassageRecord[] = [];
  let at = T0;
  const next = () => (at += gapsMs[out.length % gapsMs.length]);
  for (const step of steps) {
    if (step.kind === 'trip' || step.kind === 'entry') out.push(passage(tokenId, step.from, 'entry', next()));
    if (step.kind === 'trip' || step.kind === 'exit') out.push(passage(tokenId, step.to, 'exit', next()));
    if (step.kind === 'bus') out.push(passage(tokenId, step.bus, 'board', next()));
  }
  return out;
}
