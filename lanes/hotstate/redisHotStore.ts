import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { HotStoreUnavailableError } from '../errors.js';
import { parsePassback, type ClaimResult, type HotStore, type PassbackState } from './hotStore.js';

export type RedisClient = ReturnType<typeof createClient>;

// SET NX PX and the passback read in one script: one round trip per scan.
const CLAIM_AND_GET_PASSBACK = `
local claimed = redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1])
local passback = redis.call('GET', KEYS[2])
if claimed then return {1, passback} end
return {0, passback}
`;
const CLAIM_SHA = createHash('sha1').update(CLAIM_AND_GET_PASSBACK).digest('hex');

// Keep the newest passback state by passage time: confirmations can reach different lanes out of
// order (a late entry must not overwrite the exit that followed it).
const SET_PASSBACK_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and tonumber(decoded.at) and tonumber(decoded.at) > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
`;
const SET_PASSBACK_SHA = createHash('sha1').update(SET_PASSBACK_IF_NEWER).digest('hex');

export interface RedisHotStoreOptions {
  /** Connect to this URL with a client of our own... */
  url?: string;
  /** ...or use a client someone else owns (it is neither connected nor closed here). */
  client?: RedisClient;
  prefix: string;
  connectTimeoutMs?: number;
  onError?: (error: Error) => void;
}

/**
 * Hot state in Redis, shared by every lane controller of a station (and across stations for
 * passback). Commands fail fast while disconnected (no offline queue), so the resilient
 * wrapper can fall back at once instead of queueing scans behind a dead socket.
 */
export class RedisHotStore implements HotStore {
  private client: RedisClient | undefined;
  private readonly ownsClient: boolean;

  constructor(private readonly options: RedisHotStoreOptions) {
    this.ownsClient = !options.client;
    this.client = options.client;
  }

  async start(): Promise<void> {
    if (!this.ownsClient || this.client) return;
    const client = createClient({
      url: this.options.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: this.options.connectTimeoutMs ?? 2000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000) },
    });
    client.on('error', (error: Error) => this.options.onError?.(error));
    this.client = client;
    await client.connect();
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client || !this.ownsClient) return;
    if (client.isOpen) await client.close();
    else client.destroy();
  }

  private connected(): RedisClient {
    const client = this.client;
    if (!client || !client.isReady) throw new HotStoreUnavailableError('Redis is not connected');
    return client;
  }

  private codeKey(key: string): string {
    return `${this.options.prefix}used:${key}`;
  }

  private passbackKey(tokenId: string): string {
    return `${this.options.prefix}pb:${tokenId}`;
  }

  async claimCode(key: string, ttlMs: number): Promise<boolean> {
    const reply = await this.connected().sendCommand(['SET', this.codeKey(key), '1', 'NX', 'PX', String(ttlMs)]);
    return reply !== null;
  }

  async claimCodeAndGetPassback(codeKey: string, ttlMs: number, tokenId: string): Promise<ClaimResult> {
    const reply = await this.runScript(CLAIM_SHA, CLAIM_AND_GET_PASSBACK, ['2', this.codeKey(codeKey), this.passbackKey(tokenId), String(ttlMs)]);
    const [claimed, passback] = reply as [number, string | null];
    return { claimed: claimed === 1, passback: parsePassback(passback === null ? null : String(passback)) };
  }

  async getPassback(tokenId: string): Promise<PassbackState | null> {
    const reply = await this.connected().sendCommand<string | null>(['GET', this.passbackKey(tokenId)]);
    return parsePassback(reply === null ? null : String(reply));
  }

  async setPassback(tokenId: string, state: PassbackState, ttlMs: number): Promise<void> {
    await this.runScript(SET_PASSBACK_SHA, SET_PASSBACK_IF_NEWER, ['1', this.passbackKey(tokenId), JSON.stringify(state), String(state.at), String(ttlMs)]);
  }

  /** EVALSHA, loading the script with EVAL the first time a Redis has not seen it. */
  private async runScript(sha: string, script: string, args: string[]): Promise<unknown> {
    const client = this.connected();
    try {
      return await client.sendCommand(['EVALSHA', sha, ...args]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.sendCommand(['EVAL', script, ...args]);
    }
  }

  /** Round trip to Redis; used by the resilient wrapper to see Redis come back. */
  async ping(): Promise<void> {
    await this.connected().sendCommand(['PING']);
  }
}
