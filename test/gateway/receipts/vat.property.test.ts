import assert from 'node:assert/strict';
import fc from 'fast-check';
import { vatIncludedMinor } from '../../../gateway/receipts/vat.js';

describe('receipts: VAT included in fares', () => {
  it('when VAT is taken out of known gross amounts, then it is rounded half away from zero to the minor unit', () => {
    assert.equal(vatIncludedMinor(260, 1000), 24); // 23.64
    assert.equal(vatIncludedMinor(150, 1000), 14); // 13.64
    assert.equal(vatIncludedMinor(110, 1000), 10); // exact
    assert.equal(vatIncludedMinor(1, 10_000), 1); // 0.5 rounds up
    assert.equal(vatIncludedMinor(-1, 10_000), -1); // -0.5 rounds away from zero
    assert.equal(vatIncludedMinor(3, 10_000), 2); // 1.5
    assert.equal(vatIncludedMinor(999, 0), 0);
  });

  it('when any gross amount and rate are given, then tax is symmetric, never more than the gross, and within half a unit of the exact value', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000_00, max: 1_000_000_00 }), fc.integer({ min: 0, max: 10_000 }), (gross, rate) => {
        const tax = vatIncludedMinor(gross, rate);
        assert.ok(Number.isSafeInteger(tax));
        assert.equal(vatIncludedMinor(-gross, rate), tax === 0 ? 0 : -tax);
        assert.ok(Math.abs(tax) <= Math.abs(gross));
        const exact = (gross * rate) / (10_000 + rate);
        assert.ok(Math.abs(tax - exact) <= 0.5 + 1e-9, `${gross} at ${rate}: ${tax} vs ${exact}`);
      }),
    );
  });
});
