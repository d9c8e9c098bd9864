import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isDenyReason } from '../../protocol/denyReasons.js';
import { parseCode, parseCodeText, RideCodeFormatError } from '../../protocol/ridecode/format.js';
import { codeBytes, textOf } from './support/issuer.js';
import { deciderFixture } from './support/deciderFixture.js';

function parsesOrFormatError(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof RideCodeFormatError, `threw ${String(error)}`);
    assert.ok(isDenyReason(error.reason));
  }
}

describe('ride code parser properties', () => {
  it('when given arbitrary bytes, then it parses or throws only RideCodeFormatError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => parsesOrFormatError(() => parseCode(Buffer.from(bytes)))),
      { numRuns: 2000 },
    );
  });

  it('when given arbitrary strings, then it parses or throws only RideCodeFormatError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 700 }), fc.string({ maxLength: 400 }).map((tail) => `TP1.${tail}`)), (text) => parsesOrFormatError(() => parseCodeText(text))),
      { numRuns: 2000 },
    );
  });

  it('when arbitrary bytes follow a valid header, then it parses or throws only RideCodeFormatError', () => {
    const fixture = deciderFixture();
    const valid = codeBytes(fixture.issuer.wallet(fixture.clock.now()).code(fixture.clock.now()));
    fc.assert(
      fc.property(fc.nat(valid.length), fc.uint8Array({ maxLength: 200 }), (cut, tail) => parsesOrFormatError(() => parseCode(Buffer.concat([valid.subarray(0, cut), Buffer.from(tail)])))),
      { numRuns: 1000 },
    );
  });

  it('when any single byte of a valid code is changed, then the validator denies it', () => {
    const fixture = deciderFixture();
    const wallet = fixture.issuer.wallet(fixture.clock.now());
    const valid = codeBytes(wallet.code(fixture.clock.now()));
    assert.equal(fixture.validator.validate(textOf(valid), fixture.clock.now()).ok, true);
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 }), (offset, xor) => {
        const mutated = Buffer.from(valid);
        mutated[offset] ^= xor;
        const verdict = fixture.validator.validate(textOf(mutated), fixture.clock.now());
        assert.equal(verdict.ok, false, `byte ${offset} ^ ${xor} was accepted`);
      }),
      { numRuns: 1500 },
    );
  });
});
