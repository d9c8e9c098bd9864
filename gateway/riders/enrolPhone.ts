import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { algorithmByName } from '../../protocol/ridecode/algorithms.js';
import { TOKEN_ID_BYTES } from '../../protocol/ridecode/format.js';
import { publishAfterCommit, type GatewayContext } from '../context.js';
import { inTransaction } from '../db/unitOfWork.js';
import { GatewayError, ValidationError } from '../errors.js';
import { denyToken } from '../trust/denyList.js';
import { ARREARS_REASON } from './fundingStatus.js';
import { requireRider } from './riderRecords.js';

export const EnrolPhoneRequest = z.object({
  /** Raw public key, base64url. */
  publicKey: z.string().regex(/^[A-Za-z0-9_-]+$/).max(200),
  algorithm: z.string().default('ed25519'),
});
export type EnrolPhoneRequest = z.infer<typeof EnrolPhoneRequest>;

/**
 * Register a phone's public key and give it a fresh pseudonymous token: 16 random bytes,
 * never derived from the rider id, so a gate or lane log never learns who rode.
 */
export async function enrolPhone(ctx: GatewayContext, riderId: string, request: EnrolPhoneRequest): Promise<{ phoneId: string; tokenId: string }> {
  const algorithm = algorithmByName(request.algorithm);
  if (!algorithm) throw new GatewayError('ALGORITHM_UNSUPPORTED', `phone key algorithm ${request.algorithm} is not supported`);
  const raw = Buffer.from(request.publicKey, 'base64url');
  if (raw.length !== algorithm.publicKeyBytes) throw new ValidationError(`an ${algorithm.name} public key is ${algorithm.publicKeyBytes} bytes, got ${raw.length}`);
  try {
    algorithm.publicKeyFromRaw(raw);
  } catch (error) {
    throw new ValidationError(`publicKey is not a valid ${algorithm.name} key: ${(error as Error).message}`);
  }
  return inTransaction(ctx.knex, async (unit) => {
    const { trx } = unit;
    const now = ctx.clock.now();
    const rider = await requireRider(trx, riderId);
    const phoneId = ctx.ids();
    const tokenId = randomBytes(TOKEN_ID_BYTES).toString('hex');
    await trx('phones').insert({ id: phoneId, rider_id: rider.id, algorithm: algorithm.name, public_key: raw.toString('base64url'), created_at: now });
    await trx('tokens').insert({ id: tokenId, phone_id: phoneId, rider_id: rider.id, created_at: now });
    // A rider in arrears stays denied on a new phone too.
    if (rider.status === 'in_arrears') publishAfterCommit(ctx, unit, [await denyToken(trx, now, tokenId, ARREARS_REASON)]);
    return { phoneId, tokenId };
  });
}
