import type { Knex } from 'knex';
import { toNumber } from '../db/rows.js';
import { findUnbalancedPostings } from './ledger.js';

/** Key prefix each posting kind must carry: every effect is keyed by what caused it. */
const KEY_PREFIX: Record<string, string> = { charge: 'charge:', adjust: 'adjust:', topup: 'topup:', refund: 'refund:', arrears_repay: 'repay:' };

type Rows = Array<Record<string, unknown>>;

/**
 * Prove the ledger's guarantees on a database (issue 4 item 6, design.md section 6). Returns one
 * line per problem, each starting with a stable code; an empty list is the proof.
 */
export async function checkLedger(db: Knex): Promise<string[]> {
  const problems: string[] = [];
  for (const posting of await findUnbalancedPostings(db)) problems.push(`UNBALANCED posting ${posting.postingId}: entries sum to ${posting.sumMinor} (or fewer than two entries)`);

  const total = await db('ledger_entries').sum({ total: 'amount_minor' }).first();
  if (toNumber(total?.total ?? 0) !== 0) problems.push(`LEDGER_NOT_ZERO all entries sum to ${toNumber(total?.total)}`);

  const orphans: Rows = await db('ledger_entries').leftJoin('postings', 'postings.id', 'ledger_entries.posting_id').leftJoin('accounts', 'accounts.id', 'ledger_entries.account_id')
    .where((query) => query.whereNull('postings.id').orWhereNull('accounts.id')).select('ledger_entries.id', 'ledger_entries.posting_id', 'ledger_entries.account_id');
  for (const row of orphans) problems.push(`ORPHAN_ENTRY entry ${row.id}: posting ${row.posting_id} or account ${row.account_id} does not exist`);

  const mixed: Rows = await db('ledger_entries').join('postings', 'postings.id', 'ledger_entries.posting_id').join('accounts', 'accounts.id', 'ledger_entries.account_id')
    .whereRaw('accounts.currency <> postings.currency').select('ledger_entries.posting_id', 'accounts.id as account_id');
  for (const row of mixed) problems.push(`CURRENCY_MISMATCH posting ${row.posting_id}: account ${row.account_id} is in another currency`);

  for (const row of (await db('postings').select('id', 'kind', 'idempotency_key')) as Rows) {
    const prefix = KEY_PREFIX[String(row.kind)];
    if (!prefix) problems.push(`UNKNOWN_KIND posting ${row.id}: kind ${row.kind}`);
    else if (!String(row.idempotency_key ?? '').startsWith(prefix)) problems.push(`UNKEYED posting ${row.id}: ${row.kind} key ${row.idempotency_key} does not start with ${prefix}`);
  }

  const journeys: Rows = await db('journeys')
    .leftJoin(
      db('postings').join('ledger_entries', 'ledger_entries.posting_id', 'postings.id').join('accounts', 'accounts.id', 'ledger_entries.account_id')
        .where('accounts.kind', 'operator_revenue').whereIn('postings.kind', ['charge', 'adjust'])
        .groupBy('postings.journey_id').select('postings.journey_id').sum({ posted: 'ledger_entries.amount_minor' }).as('posted'),
      'posted.journey_id', 'journeys.id')
    .select('journeys.id', 'journeys.charged_minor', 'posted.posted');
  for (const row of journeys) {
    if (toNumber(row.charged_minor) !== toNumber(row.posted ?? 0)) problems.push(`JOURNEY_DRIFT journey ${row.id}: charged_minor ${toNumber(row.charged_minor)} but the ledger holds ${toNumber(row.posted ?? 0)}`);
  }

  problems.push(...(await checkArrears(db)), ...(await checkInvoicesAndRefunds(db)));
  return problems;
}

/** The advance account of each debtor holds exactly minus what their arrears records say is owed. */
async function checkArrears(db: Knex): Promise<string[]> {
  const problems: string[] = [];
  const owed = new Map<string, number>();
  for (const row of (await db('arrears').select()) as Rows) {
    const outstanding = toNumber(row.advanced_minor) - toNumber(row.repaid_minor) - toNumber(row.waived_minor);
    if (outstanding < 0) problems.push(`ARREARS_OVERPAID arrears ${row.id}: outstanding ${outstanding}`);
    if ((outstanding === 0) !== (row.state === 'settled')) problems.push(`ARREARS_STATE arrears ${row.id}: state ${row.state} with ${outstanding} outstanding`);
    const account = `arrears_advance:${row.owner_id}:${row.currency}`;
    owed.set(account, (owed.get(account) ?? 0) + outstanding);
  }
  const balances: Rows = await db('accounts').join('ledger_entries', 'ledger_entries.account_id', 'accounts.id').where('accounts.kind', 'arrears_advance').groupBy('accounts.id').select('accounts.id').sum({ total: 'ledger_entries.amount_minor' });
  for (const row of balances) if (!owed.has(String(row.id))) owed.set(String(row.id), 0);
  for (const [account, outstanding] of owed) {
    const balance = toNumber(balances.find((row) => row.id === account)?.total ?? 0);
    if (balance !== -outstanding) problems.push(`ARREARS_DRIFT account ${account}: balance ${balance} but arrears records owe ${outstanding}`);
  }
  return problems;
}

/** Invoice lines match their charges, invoices their lines, and refunds never exceed a charge. */
async function checkInvoicesAndRefunds(db: Knex): Promise<string[]> {
  const problems: string[] = [];
  const lines: Rows = await db('invoice_lines').join('ledger_entries', 'ledger_entries.posting_id', 'invoice_lines.posting_id').join('accounts', 'accounts.id', 'ledger_entries.account_id')
    .where('accounts.kind', 'operator_revenue').select('invoice_lines.invoice_id', 'invoice_lines.posting_id', 'invoice_lines.gross_minor', 'ledger_entries.amount_minor');
  for (const row of lines) if (toNumber(row.gross_minor) !== toNumber(row.amount_minor)) problems.push(`INVOICE_LINE_DRIFT invoice ${row.invoice_id}: charge ${row.posting_id} is ${toNumber(row.amount_minor)}, the line says ${toNumber(row.gross_minor)}`);
  const totals: Rows = await db('invoices').leftJoin('invoice_lines', 'invoice_lines.invoice_id', 'invoices.id').groupBy('invoices.id', 'invoices.gross_minor').select('invoices.id', 'invoices.gross_minor').sum({ lines: 'invoice_lines.gross_minor' });
  for (const row of totals) if (toNumber(row.gross_minor) !== toNumber(row.lines ?? 0)) problems.push(`INVOICE_TOTAL_DRIFT invoice ${row.id}: total ${toNumber(row.gross_minor)}, lines ${toNumber(row.lines ?? 0)}`);
  const refunds: Rows = await db('disputes').where('state', 'granted').groupBy('posting_id').select('posting_id').sum({ granted: 'granted_minor' });
  for (const row of refunds) {
    const charge = await db('ledger_entries').join('accounts', 'accounts.id', 'ledger_entries.account_id').where({ 'ledger_entries.posting_id': row.posting_id, 'accounts.kind': 'operator_revenue' }).first('ledger_entries.amount_minor');
    if (toNumber(row.granted) > toNumber(charge?.amount_minor ?? 0)) problems.push(`REFUND_EXCEEDS_CHARGE charge ${row.posting_id}: refunded ${toNumber(row.granted)} of ${toNumber(charge?.amount_minor ?? 0)}`);
  }
  return problems;
}
