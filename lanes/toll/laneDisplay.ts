import type { TollException } from '../../protocol/toll.js';

/** What the lane's display tells the driver (at most two lines of 32 characters). */
const REFUSAL_TEXT: Partial<Record<TollException, string>> = {
  DENY_LISTED: 'Account blocked',
  TAG_TAMPERED: 'Tag not valid',
  TAG_UNREGISTERED: 'Tag not registered',
  OBU_CLONE_SUSPECTED: 'Tag blocked',
};

export function liftLines(plate: string | undefined, vehicleClass: string): string[] {
  return ['Thank you, drive on', `${plate ? `${plate} ` : ''}class ${vehicleClass}`.slice(0, 32)];
}

export function divertLines(reason: TollException): string[] {
  return [REFUSAL_TEXT[reason] ?? 'Please stop', 'Use the attendant lane'];
}
