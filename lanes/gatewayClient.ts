import type { z } from 'zod';
import { JOURNAL_DAYS_PATH, JournalDayReceipt, JournalDays, type JournalDayPart } from '../protocol/journalDays.js';
import { LANE_API_PREFIX, PassageBatchResult, TrustChanges, type LaneReport, type PassageBatch } from '../protocol/laneApi.js';
import type { TollPassageBatch } from '../protocol/toll.js';
import { errorMessage, GatewayRejectedError, GatewayUnavailableError } from './errors.js';
import { inThreadExchange, type HttpAnswer, type HttpExchange } from './http/httpExchange.js';

export type { FetchFunction } from './http/httpExchange.js';

/**
 * The lane's side of the lane API (protocol/laneApi.ts). Network failures and 5xx answers are
 * GatewayUnavailableError (retry later); 4xx and answers that break the contract are
 * GatewayRejectedError.
 */
export class GatewayClient {
  private readonly exchange: HttpExchange;

  constructor(private readonly options: { gatewayUrl: string; timeoutMs: number; token?: string; exchange?: HttpExchange }) {
    this.exchange = options.exchange ?? inThreadExchange();
  }

  close(): Promise<void> {
    return this.exchange.close();
  }

  postPassages(batch: PassageBatch): Promise<PassageBatchResult> {
    return this.request('POST', '/passages', batch, PassageBatchResult) as Promise<PassageBatchResult>;
  }

  postTollPassages(batch: TollPassageBatch): Promise<PassageBatchResult> {
    return this.request('POST', '/toll-passages', batch, PassageBatchResult) as Promise<PassageBatchResult>;
  }

  fetchTrust(since: number): Promise<TrustChanges> {
    return this.request('GET', `/trust?since=${since}`, undefined, TrustChanges) as Promise<TrustChanges>;
  }

  async postStatus(report: LaneReport): Promise<void> {
    await this.request('POST', '/status', report, undefined);
  }

  /** The ended business days the gateway wants this lane's journal of, and what it holds of each. */
  fetchJournalDays(laneId: string): Promise<JournalDays> {
    return this.request('GET', `${JOURNAL_DAYS_PATH}?laneId=${encodeURIComponent(laneId)}`, undefined, JournalDays) as Promise<JournalDays>;
  }

  postJournalDay(part: JournalDayPart): Promise<JournalDayReceipt> {
    return this.request('POST', JOURNAL_DAYS_PATH, part, JournalDayReceipt) as Promise<JournalDayReceipt>;
  }

  private async request(method: string, path: string, body: unknown, schema: z.ZodType | undefined): Promise<unknown> {
    const url = `${this.options.gatewayUrl.replace(/\/$/, '')}${LANE_API_PREFIX}${path}`;
    let response: HttpAnswer;
    try {
      response = await this.exchange.request({ method, url, body: body === undefined ? undefined : JSON.stringify(body), token: this.options.token, timeoutMs: this.options.timeoutMs });
    } catch (error) {
      throw new GatewayUnavailableError(`${method} ${url}: ${errorMessage(error)}`, { cause: error });
    }
    const text = response.text;
    if (response.status >= 500) throw new GatewayUnavailableError(`${method} ${url}: HTTP ${response.status} ${text.slice(0, 200)}`);
    if (response.status >= 400) throw new GatewayRejectedError(response.status, `${method} ${url}: HTTP ${response.status} ${text.slice(0, 200)}`);
    if (!schema) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new GatewayRejectedError(response.status, `${method} ${url}: answer is not JSON`, { cause: error });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new GatewayRejectedError(response.status, `${method} ${url}: answer breaks the lane API contract: ${parsed.error.message}`);
    return parsed.data;
  }
}
