import type { Request, Response } from 'express';
import { principalOf, roleAtLeast, type Principal, type StaffRole } from '../access/principal.js';
import { GatewayError } from '../errors.js';
import { httpStatusOf } from '../http/errorResponse.js';
import { html, type Html } from './html.js';
import { consolePage, sendPage, type ConsoleSection } from './layout.js';

export type StaffPrincipal = Extract<Principal, { kind: 'staff' }>;

/** What a page shows under the console's bar: its title and body. */
export interface PageContent {
  title: string;
  body: Html;
}

/** The signed-in staff member (the access rules let only staff reach /console). */
export function staffOf(response: Response): StaffPrincipal {
  const principal = principalOf(response);
  if (principal.kind !== 'staff') throw new GatewayError('FORBIDDEN', 'staff only');
  return principal;
}

export const mayAct = (staff: StaffPrincipal, role: StaffRole, networkOnly = false) => roleAtLeast(staff.role, role) && (!networkOnly || staff.operatorId === null);

/** What went wrong, with every detail a validation or a tariff check found. */
export function problemBlock(problem: GatewayError | undefined): Html {
  if (!problem) return html``;
  const details = Array.isArray(problem.details) ? (problem.details as Array<Record<string, unknown>>) : [];
  const line = (detail: Record<string, unknown>) => html`<li>${detail.code ? html`<code>${String(detail.code)}</code> ` : ''}${detail.path ? html`<b>${String(detail.path)}</b>: ` : ''}${String(detail.message ?? '')}</li>`;
  return html`<div class="problem" role="alert"><p><code>${problem.code}</code> ${problem.message}</p>${details.length ? html`<ul class="details">${details.map(line)}</ul>` : ''}</div>`;
}

/** A notice after a change (POST, then redirect, then this GET). */
export function noticeBlock(text: string | undefined): Html {
  return text ? html`<p class="notice" role="status">${text}</p>` : html``;
}

/**
 * The notice a page was redirected to: `?done=key&subject=value`, turned into words by the page's
 * own table, so a link cannot put words of its choosing on the page.
 */
export function noticeOf(request: Request, notices: Record<string, (subject: string) => string>): string | undefined {
  const key = typeof request.query.done === 'string' ? request.query.done : undefined;
  const subject = typeof request.query.subject === 'string' && /^[\w.:-]{0,64}$/.test(request.query.subject) ? request.query.subject : '';
  return key && Object.hasOwn(notices, key) ? notices[key]!(subject) : undefined;
}

export function doneLocation(path: string, key: string, subject: string | number = ''): string {
  const query = new URLSearchParams({ done: key, ...(subject === '' ? {} : { subject: String(subject) }) });
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

/**
 * A console page: what `build` makes, or, when it throws a GatewayError (a bad query, an unknown
 * record), the page with that problem, answered with the error's HTTP status.
 */
export async function showPage(response: Response, section: ConsoleSection, fallbackTitle: string, build: () => Promise<PageContent>): Promise<void> {
  let content: PageContent;
  try {
    content = await build();
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return sendPage(response, consolePage(response, section, { title: fallbackTitle, body: problemBlock(error) }), httpStatusOf(error.code));
  }
  sendPage(response, consolePage(response, section, content));
}

/**
 * A form's change: on success, redirect to the location `change` answers (POST/redirect/GET);
 * a change refused (a GatewayError) shows the page again with the problem and what was typed,
 * answered with the error's HTTP status, so the audit log never records it as done.
 */
export async function formAction(response: Response, section: ConsoleSection, change: () => Promise<string>, again: (problem: GatewayError) => Promise<PageContent>): Promise<void> {
  let location: string;
  try {
    location = await change();
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    let content: PageContent;
    try {
      content = await again(error);
    } catch (failed) {
      // The page itself cannot be shown (an unknown record in the path): the problem alone.
      if (!(failed instanceof GatewayError)) throw failed;
      content = { title: 'Not done', body: problemBlock(error) };
    }
    return sendPage(response, consolePage(response, section, content), httpStatusOf(error.code));
  }
  response.redirect(303, location);
}

/** A form field as text ('' when absent). */
export function field(request: Request, name: string): string {
  const value = request.body?.[name];
  return typeof value === 'string' ? value : '';
}
