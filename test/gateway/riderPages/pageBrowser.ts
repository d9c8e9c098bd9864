import { SESSION_COOKIE } from '../../../gateway/access/cookies.js';
import { riderSession } from '../../support/access.js';
import { enrolRider, T0, type EnrolledRider, type TestGateway } from '../support.js';

export interface PageAnswer {
  status: number;
  /** The page's HTML, or an error's JSON text. */
  text: string;
  /** Where a redirect (303) sends the browser. */
  location: string | null;
}

/**
 * The rider pages as a browser uses them, over real HTTP: a session cookie, pages fetched with
 * GET, forms posted urlencoded with the CSRF token read from the page last shown (as a form
 * carries it), redirects not followed so tests see post/redirect/get.
 */
export class PageBrowser {
  private csrfToken: string | undefined;

  constructor(readonly baseUrl: string, private cookie: string | undefined) {}

  static async asRider(t: TestGateway, rider: { riderId: string }): Promise<PageBrowser> {
    return new PageBrowser(t.gateway.url, `${SESSION_COOKIE}=${await riderSession(t.db.knex, rider.riderId, T0)}`);
  }

  async get(path: string): Promise<PageAnswer> {
    const answer = await this.send('GET', path);
    this.csrfToken = /name="_csrf" value="([^"]+)"/.exec(answer.text)?.[1] ?? this.csrfToken;
    return answer;
  }

  /** A form post; `_csrf` is the page's own unless the test sets it (or leaves it out with null). */
  async post(path: string, fields: Record<string, string | string[]>, options: { csrf?: string | null; headers?: Record<string, string> } = {}): Promise<PageAnswer> {
    const form = new URLSearchParams();
    const csrf = options.csrf === undefined ? this.csrfToken : options.csrf;
    if (csrf !== null && csrf !== undefined) form.append('_csrf', csrf);
    for (const [name, value] of Object.entries(fields)) for (const one of Array.isArray(value) ? value : [value]) form.append(name, one);
    return this.send('POST', path, form.toString(), options.headers);
  }

  private async send(method: string, path: string, body?: string, extra: Record<string, string> = {}): Promise<PageAnswer> {
    const headers: Record<string, string> = { ...(this.cookie ? { cookie: this.cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...extra };
    const response = await fetch(this.baseUrl + path, { method, headers, body, redirect: 'manual' });
    const setCookie = response.headers.get('set-cookie');
    const session = setCookie && new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(setCookie)?.[1];
    if (session) this.cookie = `${SESSION_COOKIE}=${session}`;
    return { status: response.status, text: await response.text(), location: response.headers.get('location') };
  }
}

/** A registered rider with a phone token, topped up when asked, and their page session. */
export async function riderWithPages(t: TestGateway, options: { name: string; topUpMinor?: number; payLaterLimitMinor?: number }): Promise<EnrolledRider & { pages: PageBrowser }> {
  const rider = await enrolRider(t.api, { name: options.name, payLaterLimitMinor: options.payLaterLimitMinor });
  if (options.topUpMinor) {
    const answer = await t.api.call('POST', `/api/riders/${rider.riderId}/topups`, { amountMinor: options.topUpMinor, reference: `start-${rider.riderId}` });
    if (answer.status !== 201) throw new Error(`top-up refused: ${JSON.stringify(answer.body)}`);
  }
  return { ...rider, pages: await PageBrowser.asRider(t, rider) };
}

/** The text of an HTML page with tags dropped and entities of our escaper undone, for matching sentences. */
export function textOf(page: string): string {
  return page
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
