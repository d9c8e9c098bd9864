import type { Knex } from 'knex';
import { listAudit, type AuditRow } from '../../../gateway/access/audit.js';
import { SESSION_COOKIE } from '../../../gateway/access/cookies.js';
import type { StaffRole } from '../../../gateway/access/principal.js';
import { staffSession } from '../../support/access.js';
import { eventually } from '../../support/testNetwork.js';
import { T0, type TestGateway } from '../support.js';

export interface PageAnswer {
  status: number;
  /** The HTML, or the JSON error body as text. */
  body: string;
  /** Where a redirect points (redirects are not followed). */
  location: string | null;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The text a reader sees: tags dropped, entities decoded, white space collapsed. */
export function textOf(markup: string): string {
  return markup
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text of each row of the first table with this class, header row left out. */
export function rowsOf(markup: string, tableClass: string): string[] {
  const table = new RegExp(`<table class="${tableClass}"[\\s\\S]*?</table>`).exec(markup)?.[0];
  if (!table) throw new Error(`no table.${tableClass} on the page: ${textOf(markup).slice(0, 400)}`);
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(table)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((match) => textOf(match[1]!));
}

/** The problem block's text, or undefined. */
export const problemOf = (markup: string) => /<div class="problem"[\s\S]*?<\/div>/.exec(markup)?.[0] && textOf(/<div class="problem"[\s\S]*?<\/div>/.exec(markup)![0]);
export const noticeOf = (markup: string) => /<p class="notice"[^>]*>([\s\S]*?)<\/p>/.exec(markup)?.[1] && textOf(/<p class="notice"[^>]*>([\s\S]*?)<\/p>/.exec(markup)![1]!);

/** A page is one document: a page built inside another would still match most assertions. */
async function answerOf(response: Response): Promise<PageAnswer> {
  const body = await response.text();
  if ((body.match(/<!doctype html>/gi)?.length ?? 0) > 1) throw new Error(`${response.url} is more than one HTML document`);
  if (/html/.test(response.headers.get('content-type') ?? '') && !/^<!doctype html>/i.test(body)) throw new Error(`${response.url} is not a whole HTML document`);
  return { status: response.status, body, location: response.headers.get('location') };
}

/**
 * The console as a browser uses it: a session cookie, pages fetched without following
 * redirects, and forms posted urlencoded with the CSRF token the pages carry.
 */
export class ConsoleBrowser {
  private csrf: string | undefined;

  constructor(readonly baseUrl: string, private readonly cookie: string | undefined) {}

  /** A session of a new staff member with this role (of an operator, or null for the network's own). */
  static async as(t: TestGateway, role: StaffRole, operatorId: string | null): Promise<ConsoleBrowser & { username: string }> {
    const staff = await staffSession(t.db.knex, { role, operatorId, now: T0 });
    return Object.assign(new ConsoleBrowser(t.gateway.url, `${SESSION_COOKIE}=${staff.token}`), { username: staff.username });
  }

  /** Log in through the /login form, as a person does. */
  static async logIn(baseUrl: string, username: string, password: string): Promise<ConsoleBrowser> {
    const response = await fetch(`${baseUrl}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ name: username, password, next: '/console' }) });
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
    if (response.status !== 303 || !cookie?.startsWith(`${SESSION_COOKIE}=`)) throw new Error(`login failed: ${response.status} ${textOf(await response.text()).slice(0, 200)}`);
    return new ConsoleBrowser(baseUrl, cookie);
  }

  async get(path: string): Promise<PageAnswer> {
    const response = await fetch(this.baseUrl + path, { redirect: 'manual', headers: this.cookie ? { cookie: this.cookie } : {} });
    return answerOf(response);
  }

  /** Post a form (the CSRF field added unless `csrf: false`). */
  async post(path: string, fields: Record<string, string> = {}, options: { csrf?: boolean } = {}): Promise<PageAnswer> {
    const form = new URLSearchParams(fields);
    if (options.csrf !== false) form.set('_csrf', await this.csrfToken());
    const response = await fetch(this.baseUrl + path, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}) }, body: form });
    return answerOf(response);
  }

  /** Post a form and follow its redirect, as a browser does after a change. */
  async submit(path: string, fields: Record<string, string> = {}): Promise<PageAnswer> {
    const answer = await this.post(path, fields);
    if (answer.status !== 303 || !answer.location) return answer;
    return this.get(answer.location);
  }

  /** Every page's log-out form carries the session's CSRF token. */
  private async csrfToken(): Promise<string> {
    if (!this.csrf) {
      const page = await this.get('/console/audit');
      this.csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
      if (!this.csrf) throw new Error(`no CSRF token on the page (${page.status})`);
    }
    return this.csrf;
  }
}

/** The JSON error code of a refused request. */
export function errorCodeOf(answer: PageAnswer): string | undefined {
  try {
    return JSON.parse(answer.body).error?.code;
  } catch {
    return undefined;
  }
}

/** The audit row of a change, once the gateway has written it (as the answer goes out). */
export function auditRow(knex: Knex, match: (row: AuditRow) => boolean): Promise<AuditRow> {
  return eventually(async () => (await listAudit(knex, { limit: 200 })).find(match), 3000, 'the audit row');
}
