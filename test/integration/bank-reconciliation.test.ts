import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import {
  BookBankLineCommand,
  ConfirmBankMatchesCommand,
  ImportBankStatementCommand,
  UndoBankMatchCommand,
  type BankMatchResult,
  type ImportBankStatementResult,
} from '../../src/bank/bank-statement.commands.js';
import {
  IssueDepositSlipCommand,
  type DepositSlipResult,
} from '../../src/bank/deposit-slip.commands.js';
import {
  parseTargetInput,
  ReconciliationService,
  type Reconciliation,
} from '../../src/bank/reconciliation.service.js';
import { BooksService } from '../../src/bank/books.service.js';
import { FecService } from '../../src/bank/fec.service.js';
import { ReversePaymentCommand } from '../../src/billing/reverse-payment.command.js';
import { projectRoot } from '../../src/kernel/paths.js';
import { Money } from '../../domain/shared/money.js';
import { fromCents } from '../../domain/shared/cents.js';
import { AppHarness, cheque, yearLine } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { snapshotReadModels } from '../support/read-models.js';
import { refusal } from '../support/refusal.js';

jest.setTimeout(120_000);

const fixture = (name: string) => readFileSync(join(projectRoot, 'test/fixtures/bank', name));

describe.each(dialects)('bank statement import and matching on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  const customer = '3';

  /** A paid invoice of `net` + 20 % VAT, by `method`, received on `day`. */
  async function paid(day: string, net: string, method: 'card' | 'cheque', reference: string) {
    const inv = await app.issue({
      customerId: customer,
      issuedOn: day,
      lines: [yearLine('Plaque de base', net, day, '2027-01-31')],
    });
    return app.pay({
      ...cheque(customer, inv.invoiceId, inv.total, day, reference, 'CIC'),
      method,
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database);
    // Invoices are numbered in date order: issue them chronologically.
    await paid('2026-11-02', '66.67', 'cheque', '0000778'); // 80.00
    await paid('2026-11-03', '125.00', 'card', 'CB-1'); // card day 03/11: 150.00
    const refunded = await paid('2026-11-04', '108.33', 'card', 'CB-2'); // 130.00 …
    await app.context
      .get(CommandBus)
      .execute(
        new ReversePaymentCommand(
          { paymentId: refunded.paymentId, kind: 'refund', amount: '6.55', on: '2026-11-04' },
          'test',
        ),
      ); // … less a 6.55 refund the same day: the bank credits 123.45
    await app.context
      .get(CommandBus)
      .execute<IssueDepositSlipCommand, DepositSlipResult>(
        new IssueDepositSlipCommand({ receivedOn: '2026-11-02', depositOn: '2026-11-04' }, 'test'),
      );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const bus = () => app.context.get(CommandBus);
  const importFile = (name: string) =>
    bus().execute<ImportBankStatementCommand, ImportBankStatementResult>(
      new ImportBankStatementCommand({ fileName: name, content: fixture(name) }, 'test'),
    );
  const view = () => app.context.get(ReconciliationService).view();
  const byAmount = (v: Reconciliation, amount: string) => v.lines.find((l) => l.amount === amount)!;
  const confirm = (v: Reconciliation, amounts: string[]) =>
    bus().execute<ConfirmBankMatchesCommand, BankMatchResult>(
      new ConfirmBankMatchesCommand(
        {
          matches: amounts.map((a) => ({
            lineId: byAmount(v, a).lineId,
            target: parseTargetInput(byAmount(v, a).target!.input),
          })),
        },
        'test',
      ),
    );

  /** The 2026 export's rows, split in columns. */
  const exportRows = async () =>
    (await app.context.get(FecService).export(2026)).content
      .toString('latin1')
      .split('\r\n')
      .slice(1)
      .filter((l) => l !== '')
      .map((l) => l.split('\t'));
  const amountOf = (v: string) => Money.of(v.replace(',', '.'));
  /** Debit − credit of an account over the rows. */
  const netOf = (rows: string[][]) => (account: string) =>
    Money.sum(
      rows.filter((r) => r[4] === account).map((r) => amountOf(r[11]!).minus(amountOf(r[12]!))),
    ).toString();

  it('imports a CFONB 120 statement once: the same file again imports nothing new', async () => {
    const first = await importFile('releve-cfonb120.txt');
    expect(first).toMatchObject({ format: 'cfonb120', lines: 6, imported: 6, skipped: 0 });
    const events = await app.count('g2_events');
    const again = await importFile('releve-cfonb120.txt');
    expect(again).toMatchObject({ importId: null, imported: 0, skipped: 6 });
    expect(await app.count('g2_events')).toBe(events);
    expect(await app.count('g2_rm_bank_lines')).toBe(6);
  });

  it('refuses a bad file with a French message naming the line, recording nothing', async () => {
    const text = fixture('releve-cfonb120.txt').toString('latin1').split('\r\n');
    text[3] = text[3]!.slice(0, 90);
    const e = await refusal(
      bus().execute(
        new ImportBankStatementCommand({ fileName: 'x.txt', content: text.join('\r\n') }, 'test'),
      ),
      'invalid_file',
      'file',
    );
    expect(e.message).toBe(
      'Relevé illisible, ligne 4 : un enregistrement CFONB fait 120 caractères, celui-ci en a 90.',
    );
    expect(await app.count('g2_rm_bank_lines')).toBe(6);
  });

  it('proposes exact matches (slip, card day net of refunds) and an écart for fees', async () => {
    const v = await view();
    expect(byAmount(v, '80.00')).toMatchObject({
      status: 'exact',
      target: { kind: 'deposit_slip', number: 1 },
      difference: '0.00',
    });
    expect(byAmount(v, '123.45')).toMatchObject({
      status: 'exact',
      target: { kind: 'card_day', day: '2026-11-04' },
      expected: '123.45',
    });
    expect(byAmount(v, '149.55')).toMatchObject({
      status: 'near',
      target: { kind: 'card_day', day: '2026-11-03' },
      expected: '150.00',
      difference: '-0.45',
    });
    expect(byAmount(v, '98.76').status).toBe('unmatched');
    expect(byAmount(v, '-12.34').status).toBe('unmatched');
    expect(v.counts).toEqual({
      matched: 0,
      difference: 0,
      exact: 2,
      near: 1,
      booked: 0,
      ignored: 0,
      unmatched: 3,
    });
    expect(v.waiting).toEqual([]);
  });

  it('confirms, refuses a second match of a line or a target, and undoes', async () => {
    const v = await view();
    expect((await confirm(v, ['80.00', '123.45', '149.55'])).matched).toHaveLength(3);
    const after = await view();
    expect(after.counts).toMatchObject({ matched: 2, difference: 1, exact: 0, near: 0 });
    await refusal(confirm(v, ['80.00']), 'already_matched', 'lineId');
    const other = byAmount(after, '98.76');
    await refusal(
      bus().execute(
        new ConfirmBankMatchesCommand(
          { matches: [{ lineId: other.lineId, target: { kind: 'deposit_slip', number: 1 } }] },
          'test',
        ),
      ),
      'already_matched',
      'target',
    );
    await bus().execute(
      new UndoBankMatchCommand({ lineId: byAmount(after, '149.55').lineId }, 'test'),
    );
    expect(byAmount(await view(), '149.55').status).toBe('near');
    await refusal(
      bus().execute(new UndoBankMatchCommand({ lineId: other.lineId }, 'test')),
      'not_found',
    );
  });

  it('records once the movements the CFONB statement brought, whatever format brings them again', async () => {
    // The same bank's OFX 1.x, OFX 2.x and CAMT.053 files of the same days: ids, labels and
    // references differ from the CFONB ones, the days and amounts do not (issue 16, item 16).
    for (const [name, n] of [
      ['releve-ofx1.ofx', 4],
      ['releve-ofx2.ofx', 2],
      ['releve-camt053.xml', 3],
    ] as const) {
      expect(await importFile(name)).toMatchObject({ importId: null, imported: 0, skipped: n });
      // Only the balances it states are new (kept once): the same file again records nothing.
      const before = await app.count('g2_events');
      expect((await importFile(name)).imported).toBe(0);
      expect(await app.count('g2_events')).toBe(before);
    }
    expect(await app.count('g2_rm_bank_lines')).toBe(6);
  });

  it('exports a balanced FEC whose 411 of the member is what their invoices still ask', async () => {
    const { summary } = await app.context.get(FecService).export(2026);
    expect(summary).toMatchObject({ fiscalYear: 2026, balanced: true });
    expect(summary.fileName).toMatch(/^\d+-gloux2-ecritures-20261231\.txt$/);
    const rows = await exportRows();
    const net411 = netOf(rows.filter((r) => r[6] === `C${customer}`))('411');
    const [due] = await app.db.query(
      `SELECT SUM(total_cents - paid_cents - credited_cents) AS cents FROM g2_rm_invoices WHERE customer_id = ?`,
      [customer],
    );
    expect(net411).toBe(fromCents(due?.cents));
    // The deposit slip moved the cheque from 5112 to 512. Card receipts wait in 5115 until
    // their remittance is confirmed on the statement (docs/accounting.md §7): the 123.45 day
    // (130.00 less the 6.55 refund) was; the 150.00 day, whose match was undone, was not.
    const net = netOf(rows);
    expect(net('5112')).toBe('0.00');
    expect(net('512')).toBe('203.45'); // 123.45 card day confirmed, 80.00 deposited
    expect(net('5115')).toBe('150.00');
  });

  it('books unmatched lines (fees 627, ignored), refused in a locked period; 512 follows the statement', async () => {
    const v = await view();
    const fees = byAmount(v, '-12.34');
    const bounced = byAmount(v, '-55.55');
    const transfer = byAmount(v, '98.76');
    const book = (lineId: string, kind: string, on?: string, reason?: string) =>
      bus().execute(new BookBankLineCommand({ lineId, kind, on, reason }, 'test'));
    await book(fees.lineId, 'bank_fee');
    await book(transfer.lineId, 'ignored', undefined, 'Virement d’un adhérent saisi dans Gloux');
    await refusal(book(fees.lineId, 'bank_fee'), 'already_matched', 'lineId');
    // November's VAT declared: the bounce fee of 10/11 cannot be dated in it any more.
    app.clock.set(new Date('2026-12-05T10:00:00Z'));
    await app.context.get(BooksService).declareVatMonth('2026-11', 'CA3-11', 'test');
    const locked = await refusal(book(bounced.lineId, 'bounce_fee'), 'period_locked');
    expect(locked.message).toMatch(/datée du 10\/11\/2026. Datez-la du 01\/12\/2026 ou après/);
    await book(bounced.lineId, 'bounce_fee', '2026-12-01');
    const after = await app.context.get(ReconciliationService).view('2026-11-01', '2026-12-05');
    expect(byAmount(after, '-12.34')).toMatchObject({
      status: 'booked',
      booking: { kind: 'bank_fee', on: '2026-11-06' },
    });
    expect(byAmount(after, '-55.55')).toMatchObject({
      status: 'booked',
      booking: { kind: 'bounce_fee', on: '2026-12-01' },
    });
    expect(byAmount(after, '98.76')).toMatchObject({
      status: 'ignored',
      booking: { reason: 'Virement d’un adhérent saisi dans Gloux' },
    });
    const net = netOf(await exportRows());
    // 203.45 less the two charges; the ignored credit is not ours to book.
    expect(net('512')).toBe('135.56');
    expect(net('627')).toBe('67.89');
  });

  it('rebuilds the bank tables from the log to exactly the live ones', async () => {
    const selectAll = (t: string) => app.db.query(`SELECT * FROM ${t}`);
    const live = await snapshotReadModels(selectAll);
    await app.pipeline.rebuild(['bank']);
    expect(await snapshotReadModels(selectAll)).toEqual(live);
  });
});
