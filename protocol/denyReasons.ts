/**
 * Stable deny reasons a gate shows and a lane records. The order of this list is the order
 * in which the lane checks (docs/deny-reasons.md); a code never changes meaning once published.
 */
export const DENY_REASONS = {
  CODE_TOO_LARGE: 'Code too long - show your ride code',
  FORMAT_INVALID: 'Not a ride code',
  VERSION_UNSUPPORTED: 'Update your app',
  ALGORITHM_UNSUPPORTED: 'Update your app',
  FRAME_UNREADABLE: 'Could not read code - try again',
  KEY_UNKNOWN: 'Code not recognised - refresh your app',
  KEY_REVOKED: 'Code not valid - refresh your app',
  KEY_NOT_IN_VALIDITY: 'Code not valid - refresh your app',
  CREDENTIAL_FORGED: 'Invalid code',
  CREDENTIAL_NOT_YET_VALID: 'Code not yet valid - refresh your app',
  CREDENTIAL_EXPIRED: 'Code expired - open your app online',
  CODE_SIGNATURE_MISSING: 'Invalid code',
  CODE_FORGED: 'Invalid code',
  CODE_STALE: 'Code expired - show a fresh code',
  CODE_FROM_FUTURE: 'Check your phone clock',
  TOKEN_DENIED: 'Account blocked - see help desk',
  CODE_ALREADY_USED: 'Code already used - show a fresh code',
  PASSBACK_ENTRY_AFTER_ENTRY: 'Already entered - exit first',
  OFFLINE_LIMIT_EXCEEDED: 'Top up your account',
  WRONG_DIRECTION: 'Use the other gate',
} as const;

export type DenyReason = keyof typeof DENY_REASONS;

export const DENY_REASON_CODES = Object.keys(DENY_REASONS) as DenyReason[];

export function isDenyReason(value: string): value is DenyReason {
  return Object.prototype.hasOwnProperty.call(DENY_REASONS, value);
}
