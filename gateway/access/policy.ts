import { canSeeOperator, roleAtLeast, type Principal, type StaffRole } from './principal.js';

/**
 * The access rules of every route, in one table (docs/operations.md, "Access control"). The first
 * rule whose method and path match decides; a route no rule names is refused, so a new route is
 * closed until it is given a rule here.
 */
type Need =
  | { kind: 'public' }
  /** Staff with at least `role`; `network`: only the network's own staff; the path's :operatorId must be one they can see. */
  | { kind: 'staff'; role: StaffRole; network?: boolean }
  /** The rider named by the path's :riderId, or the network's staff with at least `staffRole` (support). */
  | { kind: 'riderSelf'; staffRole: StaffRole }
  /** Any signed-in rider or staff: the route itself checks that the record is theirs. */
  | { kind: 'signedIn' }
  | { kind: 'rider' };

interface Rule {
  methods: readonly string[] | '*';
  pattern: RegExp;
  need: Need;
  /** A browser page: the anonymous are sent to log in rather than answered 401. */
  page?: 'staff' | 'rider';
}

const READ = ['GET', 'HEAD'] as const;
const WRITE = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** "/api/riders/:riderId/**" -> a regular expression with named groups. */
function path(pattern: string): RegExp {
  const body = pattern
    .split('/')
    .map((part) => (part === '**' ? '(?:/.*)?' : part.startsWith(':') ? `/(?<${part.slice(1)}>[^/]+)` : part ? `/${part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` : ''))
    .join('');
  return new RegExp(`^${body || '/'}/?$`);
}

const rule = (methods: Rule['methods'], pattern: string, need: Need, page?: Rule['page']): Rule => ({ methods, pattern: path(pattern), need, page });
const PUBLIC: Need = { kind: 'public' };
const staff = (role: StaffRole, network = false): Need => ({ kind: 'staff', role, network });

export const ACCESS_RULES: readonly Rule[] = [
  rule('*', '/api/lane/v1/**', PUBLIC), // lanes authenticate with their own bearer tokens (laneAuthentication.ts)
  rule(READ, '/api/health', PUBLIC),
  rule(READ, '/api/network', PUBLIC), // operators, stations and tariffs are published fares
  rule('*', '/api/session', PUBLIC),
  rule(['POST'], '/api/riders', PUBLIC), // sign-up
  rule(['PUT'], '/api/riders/:riderId/credit-score', staff('supervisor', true)), // from a credit bureau, never the rider
  rule(READ, '/api/riders/:riderId/**', { kind: 'riderSelf', staffRole: 'viewer' }),
  rule(WRITE, '/api/riders/:riderId/**', { kind: 'riderSelf', staffRole: 'supervisor' }),
  rule(READ, '/api/receipts/:chargeId', { kind: 'signedIn' }),
  rule(READ, '/api/invoices/:invoiceId/**', { kind: 'signedIn' }),
  rule(READ, '/api/disputes/:disputeId', { kind: 'signedIn' }),
  rule(['POST'], '/api/disputes/:disputeId/decision', staff('supervisor')),
  rule(['POST'], '/api/operators/:operatorId/tariffs', staff('admin')),
  rule(READ, '/api/operators/:operatorId/**', staff('viewer')),
  rule(WRITE, '/api/operators/:operatorId/**', staff('supervisor')),
  rule(READ, '/api/lanes', staff('viewer')),
  rule(READ, '/api/stats', staff('viewer')),
  rule(READ, '/api/live', staff('viewer')),
  rule(READ, '/api/audit', staff('viewer')),
  rule(READ, '/api/deny-list', staff('viewer')),
  rule(['POST'], '/api/deny-list', staff('supervisor')),
  rule(['DELETE'], '/api/deny-list/:tokenId', staff('supervisor')),
  rule(READ, '/api/keys', staff('viewer')),
  rule(['POST'], '/api/keys', staff('admin', true)),
  rule(['POST'], '/api/keys/:keyId/revoke', staff('admin', true)),
  rule('*', '/login', PUBLIC),
  rule('*', '/me/login', PUBLIC),
  rule('*', '/me/signup', PUBLIC), // a new rider account with its web login (gateway/riderPages/signupPage.ts)
  rule(['POST'], '/logout', PUBLIC),
  rule(['POST'], '/console/operators/:operatorId/tariffs', staff('admin'), 'staff'),
  rule(READ, '/console/operators/:operatorId/**', staff('viewer'), 'staff'),
  rule(['POST'], '/console/operators/:operatorId/**', staff('supervisor'), 'staff'),
  rule(['POST'], '/console/tariffs/**', staff('admin'), 'staff'),
  rule(['POST'], '/console/keys/**', staff('admin', true), 'staff'),
  rule(READ, '/console/**', staff('viewer'), 'staff'),
  rule(['POST'], '/console/**', staff('supervisor'), 'staff'),
  rule('*', '/me/**', { kind: 'rider' }, 'rider'),
];

export type AccessDecision =
  | { allowed: true; operatorId?: string }
  | { allowed: false; code: 'UNAUTHENTICATED' | 'FORBIDDEN'; message: string; page?: Rule['page']; operatorId?: string };

/** Paths outside the API and the pages: the static files of gateway/web and the front door. */
const isStatic = (pathname: string) => !/^\/(api|console|me)(\/|$)/.test(pathname);

export function decideAccess(principal: Principal, method: string, pathname: string): AccessDecision {
  if (isStatic(pathname)) return { allowed: true };
  for (const candidate of ACCESS_RULES) {
    if (candidate.methods !== '*' && !candidate.methods.includes(method)) continue;
    const match = candidate.pattern.exec(pathname);
    if (!match) continue;
    return judge(principal, candidate, match.groups ?? {});
  }
  if (principal.kind === 'anonymous') return { allowed: false, code: 'UNAUTHENTICATED', message: 'sign in first' };
  // The network's admins may do anything: for them an unknown path is answered ROUTE_NOT_FOUND.
  if (principal.kind === 'staff' && principal.operatorId === null && principal.role === 'admin') return { allowed: true };
  return { allowed: false, code: 'FORBIDDEN', message: `no access rule allows ${method} ${pathname}` };
}

function judge(principal: Principal, candidate: Rule, params: Record<string, string>): AccessDecision {
  const { need, page } = candidate;
  const operatorId = params.operatorId ? decodeURIComponent(params.operatorId) : undefined;
  if (need.kind === 'public') return { allowed: true };
  if (principal.kind === 'anonymous') return { allowed: false, code: 'UNAUTHENTICATED', message: 'sign in first', page, operatorId };
  const refuse = (message: string): AccessDecision => ({ allowed: false, code: 'FORBIDDEN', message, page, operatorId });
  switch (need.kind) {
    case 'signedIn':
      return { allowed: true };
    case 'rider':
      return principal.kind === 'rider' ? { allowed: true } : refuse('this page is for riders: sign in with your rider account');
    case 'riderSelf': {
      const riderId = decodeURIComponent(params.riderId ?? '');
      if (principal.kind === 'rider') return principal.riderId === riderId ? { allowed: true } : refuse('a rider sees only their own account');
      if (principal.operatorId !== null) return refuse("riders' accounts are open only to the rider and the network's staff");
      return roleAtLeast(principal.role, need.staffRole) ? { allowed: true } : refuse(`needs the ${need.staffRole} role`);
    }
    case 'staff': {
      if (principal.kind !== 'staff') return refuse('staff only');
      if (need.network && principal.operatorId !== null) return refuse("only the network's own staff may do this");
      if (!roleAtLeast(principal.role, need.role)) return refuse(`needs the ${need.role} role`);
      if (operatorId !== undefined && !canSeeOperator(principal, operatorId)) return refuse(`operator ${operatorId} is not yours`);
      return { allowed: true, operatorId };
    }
  }
}
