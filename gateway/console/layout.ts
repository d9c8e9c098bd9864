import type { Response } from 'express';
import { csrfTokenOf, principalOf, type Principal } from '../access/principal.js';
import { html, type Html } from './html.js';

/** The console's sections, in the order of its navigation bar. */
export const CONSOLE_SECTIONS = [
  { id: 'live', href: '/console', label: 'Live' },
  { id: 'reports', href: '/console/reports', label: 'Reports' },
  { id: 'settlement', href: '/console/settlement', label: 'Settlement' },
  { id: 'deny-list', href: '/console/deny-list', label: 'Deny list' },
  { id: 'tariffs', href: '/console/tariffs', label: 'Tariffs' },
  { id: 'keys', href: '/console/keys', label: 'Keys' },
  { id: 'riders', href: '/console/riders', label: 'Riders' },
  { id: 'vehicles', href: '/console/vehicles', label: 'Vehicles' },
  { id: 'audit', href: '/console/audit', label: 'Audit' },
] as const;
export type ConsoleSection = (typeof CONSOLE_SECTIONS)[number]['id'];

/** The hidden field every form posts, checked by the access middleware. */
export function csrfField(token: string | undefined): Html {
  return html`<input type="hidden" name="_csrf" value="${token ?? ''}">`;
}

function whoLine(principal: Principal, csrfToken: string | undefined): Html {
  if (principal.kind === 'anonymous') return html``;
  const who = principal.kind === 'staff' ? `${principal.username} · ${principal.role}${principal.operatorId ? ` · ${principal.operatorId}` : ' · network'}` : principal.name;
  return html`<form class="who" method="post" action="/logout"><span>${who}</span>${csrfField(csrfToken)}<button type="submit">Log out</button></form>`;
}

interface PageParts {
  title: string;
  body: Html;
  /** Scripts (served from gateway/web) the page runs, as ES modules. */
  scripts?: string[];
}

function document(parts: PageParts, nav: Html, principal: Principal, csrfToken: string | undefined): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${parts.title} · Turnpike</title>
<link rel="stylesheet" href="/console.css">
</head>
<body>
<header class="bar"><a class="brand" href="/">Turnpike</a>${nav}${whoLine(principal, csrfToken)}</header>
<main id="content">
<h1>${parts.title}</h1>
${parts.body}
</main>
${(parts.scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>`)}
</body>
</html>`;
}

/** A page of the operator console, with its navigation bar (`current` marked). */
export function consolePage(response: Response, current: ConsoleSection, parts: PageParts): Html {
  const nav = html`<nav aria-label="Console">${CONSOLE_SECTIONS.map((section) => html`<a href="${section.href}"${section.id === current ? html` aria-current="page"` : ''}>${section.label}</a>`)}</nav>`;
  return document(parts, nav, principalOf(response), csrfTokenOf(response));
}

/** A page of a rider's (or driver's) own pages under /me. */
export function riderPage(response: Response, parts: PageParts): Html {
  const nav = html`<nav aria-label="Your account"><a href="/me">Ride code</a><a href="/me/journeys">Journeys and tolls</a><a href="/me/money">Balance and arrears</a><a href="/me/receipts">Receipts and invoices</a><a href="/me/family">Family</a></nav>`;
  return document(parts, nav, principalOf(response), csrfTokenOf(response));
}

/** Answer a page: HTML, never cached (it shows the signed-in person's data). */
export function sendPage(response: Response, page: Html, status = 200): void {
  response.status(status).type('html').set('Cache-Control', 'no-store').send(page.text);
}
