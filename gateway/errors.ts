/**
 * Errors the gateway answers with. Each has a stable code (never reused for another meaning);
 * gateway/http/errorResponse.ts maps codes to HTTP statuses, in that one place.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'BODY_TOO_LARGE',
  'ROUTE_NOT_FOUND',
  'RIDER_NOT_FOUND',
  'PHONE_NOT_FOUND',
  'TOKEN_NOT_FOUND',
  'KEY_NOT_FOUND',
  'OPERATOR_NOT_FOUND',
  'CHARGE_NOT_FOUND',
  'INVOICE_NOT_FOUND',
  'DISPUTE_NOT_FOUND',
  'VEHICLE_NOT_FOUND',
  'TARIFF_NOT_FOUND',
  'PLATE_ALREADY_REGISTERED',
  'TAG_ALREADY_REGISTERED',
  'PLATE_INVALID',
  'VEHICLE_CLASS_INVALID',
  'IDEMPOTENCY_CONFLICT',
  'CHARGE_ALREADY_INVOICED',
  'DISPUTE_ALREADY_OPEN',
  'DISPUTE_ALREADY_DECIDED',
  'NOTHING_TO_INVOICE',
  'REFUND_EXCEEDS_CHARGE',
  'FAMILY_LINK_INVALID',
  'KEY_ALREADY_REVOKED',
  'TARIFF_INVALID',
  'ALGORITHM_UNSUPPORTED',
  'NO_SIGNING_KEY',
  'LANE_UNAUTHENTICATED',
  'LANE_FORBIDDEN',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CSRF_REJECTED',
  'LOGIN_FAILED',
  'LOGIN_RATE_LIMITED',
  'STAFF_USER_NOT_FOUND',
  'USERNAME_TAKEN',
  'EMAIL_TAKEN',
  'REPORT_INVALID',
  'REPORT_NOT_FOUND',
  'SETTLEMENT_DAY_NOT_OVER',
  'SETTLEMENT_ALREADY_CLOSED',
  'JOURNAL_REPORT_INVALID',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class GatewayError extends Error {
  constructor(readonly code: ErrorCode, message: string, options?: ErrorOptions & { details?: unknown }) {
    super(message, options);
    this.name = 'GatewayError';
    this.details = options?.details;
  }
  readonly details: unknown;
}

export class ValidationError extends GatewayError {
  constructor(message: string, details?: unknown) {
    super('VALIDATION_FAILED', message, { details });
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends GatewayError {
  constructor(code: Extract<ErrorCode, `${string}_NOT_FOUND`>, what: string) {
    super(code, `${what} not found`);
    this.name = 'NotFoundError';
  }
}

export class IdempotencyConflictError extends GatewayError {
  constructor(key: string) {
    super('IDEMPOTENCY_CONFLICT', `${key} was already used with different content`);
    this.name = 'IdempotencyConflictError';
  }
}

/** A tariff an operator loads that cannot be used; details: [{code, path, message}] (gateway/tariffs/tariffProblems.ts). */
export class TariffInvalidError extends GatewayError {
  constructor(problems: ReadonlyArray<{ code: string; path: string; message: string }>) {
    super('TARIFF_INVALID', `tariff is invalid: ${problems.slice(0, 5).map((item) => item.message).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`, { details: problems });
    this.name = 'TariffInvalidError';
  }
}
