import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rowsOf, valuesSql } from '../../../gateway/db/bulk.js';
import { openTestDatabase, type TestDatabase } from '../../support/environment.js';

describe('lists of values sent to the database in one parameter per column', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => {
    db = await openTestDatabase();
  });
  after(async () => {
    await db.close();
  });

  it('when any texts (quotes, backslashes, braces, commas, "NULL", empty, any Unicode) and numbers are sent, then the database reads back exactly them, nulls included', async () => {
    const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('"', '\\', '\\"', '{}', ',', 'NULL', 'null', '', ' a b ', '{"a":[1,"b\\\\c"]}'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.option(text, { nil: null }), fc.option(fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), { nil: null })), { minLength: 1, maxLength: 30 }), async (rows) => {
        const values = valuesSql(db.knex, rows, ['text', 'bigint']);
        const result = rowsOf(await db.knex.raw(`WITH v(t, n) AS (${values.sql}) SELECT t, n FROM v`, values.bindings));
        assert.deepEqual(result.map((row) => [row.t ?? null, row.n === null || row.n === undefined ? null : Number(row.n)]), rows);
      }),
      { numRuns: 200 },
    );
  });
});
