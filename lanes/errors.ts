/**
 * Typed errors of the lane controller, each with a stable code. Deny reasons are not errors:
 * they are decisions (protocol/denyReasons.ts).
 */
export type LaneErrorCode = 'CONFIG_INVALID' | 'GATEWAY_UNAVAILABLE' | 'GATEWAY_REJECTED' | 'HOT_STORE_UNAVAILABLE' | 'MESSAGE_INVALID' | 'TRUST_CHANGE_INVALID';

export class LaneError extends Error {
  constructor(readonly code: LaneErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LaneError';
  }
}

export class LaneConfigError extends LaneError {
  constructor(message: string, options?: ErrorOptions) {
    super('CONFIG_INVALID', message, options);
    this.name = 'LaneConfigError';
  }
}

/** The gateway did not answer, or answered with a server error: worth retrying later. */
export class GatewayUnavailableError extends LaneError {
  constructor(message: string, options?: ErrorOptions) {
    super('GATEWAY_UNAVAILABLE', message, options);
    this.name = 'GatewayUnavailableError';
  }
}

/** The gateway refused a request for good (4xx or an answer that breaks the contract). */
export class GatewayRejectedError extends LaneError {
  constructor(readonly status: number, message: string, options?: ErrorOptions) {
    super('GATEWAY_REJECTED', message, options);
    this.name = 'GatewayRejectedError';
  }
}

export class HotStoreUnavailableError extends LaneError {
  constructor(message: string, options?: ErrorOptions) {
    super('HOT_STORE_UNAVAILABLE', message, options);
    this.name = 'HotStoreUnavailableError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
