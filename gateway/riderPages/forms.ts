import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { minorDigits } from './format.js';

/**
 * The fields of the rider pages' forms. Each message names its field and says what to write, as
 * the page shows it whole ("Amount: write an amount such as 12.50").
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 5).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new ValidationError([...new Set(issues.map((issue) => issue.message))].join(' '), issues);
}

/** A required text field, trimmed. */
export const textField = (label: string, maxChars = 200) =>
  z
    .string({ error: `${label}: this field is required.` })
    .trim()
    .min(1, `${label}: this field is required.`)
    .max(maxChars, `${label}: at most ${maxChars} characters.`);

const MAX_AMOUNT_MINOR = 1_000_000_00;

/** An amount as people write it ("12.50", "12,5", "12") in minor units of the currency. */
export function amountField(currency: string, label = 'Amount') {
  const digits = minorDigits(currency);
  const example = digits ? `12.${'5'.padEnd(digits, '0')}` : '1250';
  const pattern = digits ? new RegExp(`^\\d{1,10}(?:[.,]\\d{1,${digits}})?$`) : /^\d{1,12}$/;
  return textField(label, 20)
    .regex(pattern, `${label}: write an amount such as ${example}.`)
    .transform((text) => {
      const [whole, fraction = ''] = text.split(/[.,]/);
      return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
    })
    .pipe(
      z
        .number()
        .int()
        .positive(`${label}: must be more than zero.`)
        .max(MAX_AMOUNT_MINOR, `${label}: at most ${(MAX_AMOUNT_MINOR / 10 ** digits).toLocaleString('en-GB')} at a time.`),
    );
}

/** A form field that may be sent once or several times (checkboxes): always a list. */
export const repeatedField = <T extends z.ZodType>(item: T) => z.preprocess((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]), z.array(item));
