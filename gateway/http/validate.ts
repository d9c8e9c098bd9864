import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/** Parse a request part with a schema; a mismatch is VALIDATION_FAILED with the issues. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 20).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new ValidationError(`${what} is invalid: ${issues.map((issue) => `${issue.path || '(root)'} ${issue.message}`).join('; ')}`, issues);
  }
  return parsed.data;
}
