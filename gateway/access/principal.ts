import type { Response } from 'express';

/** Staff roles, weakest first: a viewer reads; a supervisor also acts on lanes, riders and settlement; an admin also changes tariffs, keys and staff. */
export const STAFF_ROLES = ['viewer', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Who is asking. Staff belong to one operator and see only its sites and money; staff with no
 * operator are the network's own (they manage what all operators share: issuer keys and the deny
 * list) and see every operator. A rider sees only their own data.
 */
export type Principal =
  | { kind: 'staff'; userId: string; username: string; operatorId: string | null; role: StaffRole }
  | { kind: 'rider'; riderId: string; name: string }
  | { kind: 'anonymous' };

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

/** What the access middleware leaves on `response.locals` for routes and pages. */
export interface AccessLocals {
  principal: Principal;
  /** The session's CSRF token, to put in every form (undefined without a cookie session). */
  csrfToken?: string;
  /** The session's stored hash, so logging out can end it. */
  sessionTokenHash?: string;
}

export function principalOf(response: Response): Principal {
  return (response.locals as Partial<AccessLocals>).principal ?? ANONYMOUS;
}

export function csrfTokenOf(response: Response): string | undefined {
  return (response.locals as Partial<AccessLocals>).csrfToken;
}

export function roleAtLeast(role: StaffRole, least: StaffRole): boolean {
  return STAFF_ROLES.indexOf(role) >= STAFF_ROLES.indexOf(least);
}

/** Whether staff may see this operator's sites and money. */
export function canSeeOperator(principal: Principal, operatorId: string): boolean {
  return principal.kind === 'staff' && (principal.operatorId === null || principal.operatorId === operatorId);
}
