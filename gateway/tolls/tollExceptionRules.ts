import type { TollException } from '../../protocol/toll.js';
import type { TollPairingPassage } from './tollPairing.js';

/**
 * How the gateway prices a passage that carries each lane exception (docs/tolls.md,
 * "Exceptions"). Every exception of a trip's passages is listed on the trip with its rule, so
 * the charge shows it; none makes a passage disappear.
 */
export const TOLL_EXCEPTION_RULES: Record<TollException, string> = {
  TAG_NO_PLATE: 'priced as read by the tag (ETC price); no plate evidence kept',
  PLATE_ONLY: 'priced at the video toll (no ETC discount)',
  PLATE_MISMATCH: "charged to the tag's vehicle at the ETC price; flagged for review",
  CLASS_MISMATCH: 'priced by the class the lane decided (the registered class); flagged for review',
  DENY_LISTED: 'priced as usual: the debt stays in the arrears cycle',
  TAG_TAMPERED: 'priced at the video toll: the tag is not trusted',
  TAG_UNREGISTERED: 'charged to the registered plate at the video toll, or listed for the operator when no account has the plate',
  PLATE_UNREGISTERED: 'no account to charge: listed for the operator, never dropped',
  DUPLICATE_READ: 'not charged again: the same vehicle was read at this site moments before',
  TWO_VEHICLES_ONE_READ: 'charged to the vehicle read; flagged for review of the second vehicle',
  MISSING_ENTRY: 'maximum toll to the exit for the class (docs/tolls.md, "Missing entry")',
  DEVICE_OFFLINE: 'priced from the reads that were made; flagged',
  LOW_CONFIDENCE: 'priced at the video toll when no tag was read; flagged for review',
  OBU_CLONE_SUSPECTED: "charged as usual when the read is the registered vehicle's; a read of the same tag by a clone is taken out of the account's trips and listed for review (docs/tolls.md, \"Cloned tags\")",
};

const NOT_BY_TAG: readonly TollException[] = ['PLATE_ONLY', 'TAG_TAMPERED', 'TAG_UNREGISTERED'];

/** A passage pays the ETC price when a registered tag was read and trusted; otherwise the video toll. */
export function paidByTag(passage: Pick<TollPairingPassage, 'tagId' | 'exceptions'>): boolean {
  return passage.tagId !== null && !passage.exceptions.some((code) => NOT_BY_TAG.includes(code));
}

/** A gantry read that is not charged on its own. */
export function isDuplicateRead(passage: Pick<TollPairingPassage, 'exceptions'>): boolean {
  return passage.exceptions.includes('DUPLICATE_READ');
}
