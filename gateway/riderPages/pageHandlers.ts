import type { Request, RequestHandler, Response } from 'express';
import { principalOf } from '../access/principal.js';
import type { GatewayContext } from '../context.js';
import { html, type Html } from '../console/html.js';
import { sendPage } from '../console/layout.js';
import { GatewayError } from '../errors.js';
import { httpStatusOf } from '../http/errorResponse.js';
import { requireRider, type Rider } from '../riders/riderRecords.js';

/** Why a form was refused, and what the rider had typed, so the page shows both. */
export interface PageProblem {
  message: string;
  status: number;
  entered: Record<string, unknown>;
}

/** Renders one of the rider's pages, with a refused form's problem when there is one. */
export type PageRenderer = (request: Request, response: Response, rider: Rider, problem?: PageProblem) => Promise<Html>;

/** The signed-in rider (the access rules let only riders reach /me pages). */
export async function signedInRider(ctx: GatewayContext, response: Response): Promise<Rider> {
  const principal = principalOf(response);
  if (principal.kind !== 'rider') throw new GatewayError('FORBIDDEN', 'this page is for riders: sign in with your rider account');
  return requireRider(ctx.knex, principal.riderId);
}

/** A page (GET); a renderer that found a problem in the query sets the status itself. */
export function showPage(ctx: GatewayContext, render: PageRenderer): RequestHandler {
  return async (request, response) => {
    const page = await render(request, response, await signedInRider(ctx, response));
    sendPage(response, page, response.statusCode);
  };
}

/**
 * A form's action, post/redirect/get: done, the browser is sent (303) to the page the action
 * names; refused (a 4xx error), the page is shown again with the reason and what was typed, with
 * the error's own status.
 */
export function formPost(ctx: GatewayContext, render: PageRenderer, act: (request: Request, rider: Rider) => Promise<string>): RequestHandler {
  return async (request, response) => {
    const rider = await signedInRider(ctx, response);
    try {
      response.redirect(303, await act(request, rider));
    } catch (error) {
      if (!(error instanceof GatewayError) || httpStatusOf(error.code) >= 500) throw error;
      const status = httpStatusOf(error.code);
      sendPage(response, await render(request, response, rider, { message: error.message, status, entered: (request.body ?? {}) as Record<string, unknown> }), status);
    }
  };
}

/** The text a refused form had in a field, to show it again. */
export function entered(problem: PageProblem | undefined, field: string): string | undefined {
  const value = problem?.entered[field];
  return typeof value === 'string' ? value : undefined;
}

export function problemBox(problem: PageProblem | undefined): Html {
  return problem ? html`<p class="problem" role="alert">${problem.message}</p>` : html``;
}

/** The sentence a page shows after a form succeeded (?done=…), from the page's own list. */
export function noticeBox(request: Request, notices: Record<string, string>): Html {
  const key = request.query.done;
  const done = typeof key === 'string' && Object.hasOwn(notices, key) ? notices[key] : undefined;
  return done ? html`<p class="notice" role="status">${done}</p>` : html``;
}
