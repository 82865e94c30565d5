import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { Money } from '../../domain/shared/money.js';
import { depositSlip, pendingCheques } from '../../projections/bank/deposit-slips.queries.js';
import {
  CancelDepositSlipCommand,
  IssueDepositSlipCommand,
  type DepositSlipResult,
} from '../../src/bank/deposit-slip.commands.js';
import { DepositSlipPages } from '../../src/bank/deposit-slip-pages.service.js';
import { renderDepositSlipPdf } from '../../src/bank/deposit-slip-pdf.js';
import { ReversePaymentCommand } from '../../src/billing/reverse-payment.command.js';
import { AppHarness, cheque, yearLine } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { pdfText } from '../support/pdf-text.js';
import { snapshotReadModels } from '../support/read-models.js';
import { refusal } from '../support/refusal.js';

jest.setTimeout(120_000);

describe.each(dialects)('cheque deposit slips on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  const customer = '3';
  const paid: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database);
    // Net amounts whose 20 % VAT gives the totals the cheques pay: 60.00, 24.50, 120.00, 10.00.
    const pay = async (name: string, day: string, net: string, method = 'cheque') => {
      const inv = await app.issue({
        customerId: customer,
        issuedOn: day,
        lines: [yearLine('Plaque de base', net, day, '2026-12-31')],
      });
      const p = await app.pay({
        ...cheque(customer, inv.invoiceId, inv.total, day, `CHQ-${name}`, 'La Banque Postale'),
        method: method as 'cheque',
      });
      paid[name] = p.paymentId;
    };
    await pay('a1', '2026-11-02', '50.00');
    await pay('a2', '2026-11-02', '20.42');
    await pay('b1', '2026-11-03', '100.00');
    await pay('card', '2026-11-03', '8.33', 'card');
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const bus = () => app.context.get(CommandBus);
  const issue = (input: IssueDepositSlipCommand['input'], key?: string) =>
    bus().execute<IssueDepositSlipCommand, DepositSlipResult>(
      new IssueDepositSlipCommand(input, 'test', key),
    );
  const cancel = (number: number, reason: string) =>
    bus().execute<CancelDepositSlipCommand, DepositSlipResult>(
      new CancelDepositSlipCommand({ number, reason }, 'test'),
    );
  const pending = () => app.db.run((q) => pendingCheques(q));

  it('lists the cheques not yet deposited, not the card payment', async () => {
    const list = await pending();
    expect(list.map((c) => c.reference)).toEqual(['CHQ-a1', 'CHQ-a2', 'CHQ-b1']);
  });

  it('builds slip 1 from one day of cheques: its total is the sum of its cheques', async () => {
    const r = await issue({ receivedOn: '2026-11-02', depositOn: '2026-11-04' }, 'slip-day-1');
    expect(r).toMatchObject({ number: 1, chequeCount: 2, total: '84.50', depositOn: '2026-11-04' });
    // The same key again: the first answer, no second slip.
    expect(
      await issue({ receivedOn: '2026-11-02', depositOn: '2026-11-04' }, 'slip-day-1'),
    ).toEqual(r);
    const slip = await app.db.run((q) => depositSlip(q, 1));
    expect(slip?.cheques.map((c) => c.reference)).toEqual(['CHQ-a1', 'CHQ-a2']);
    expect(Money.sum(slip!.cheques.map((c) => Money.of(c.amount))).toString()).toBe(slip!.total);
    expect((await pending()).map((c) => c.reference)).toEqual(['CHQ-b1']);
  });

  it('refuses a cheque already on a slip, a card payment, an unknown id, a future day', async () => {
    const e = await refusal(issue({ paymentIds: [paid.a1!] }), 'already_deposited', 'paymentIds');
    expect(e.message).toContain('bordereau n° 1');
    await refusal(issue({ paymentIds: [paid.card!] }), 'invalid_input', 'paymentIds');
    await refusal(
      issue({ paymentIds: ['00000000-0000-4000-8000-000000000000'] }),
      'not_found',
      'paymentIds',
    );
    await refusal(
      issue({ paymentIds: [paid.b1!], depositOn: '2026-12-01' }),
      'invalid_input',
      'depositOn',
    );
    await refusal(issue({ paymentIds: [] }), 'invalid_input', 'paymentIds');
  });

  it('a bounced cheque stays on its slip, marked, and the total does not change', async () => {
    await bus().execute(
      new ReversePaymentCommand(
        { paymentId: paid.a2!, kind: 'bounced', on: '2026-11-10', reason: 'sans provision' },
        'test',
      ),
    );
    const slip = await app.context.get(DepositSlipPages).slip(1);
    expect(slip.total).toBe('84.50');
    expect(slip.cheques.find((c) => c.reference === 'CHQ-a2')?.bounced).toBe(true);
    const text = pdfText(await renderDepositSlipPdf(slip));
    expect(text).toContain('Bordereau de remise de chèques n° 1');
    expect(text).toContain('(rejeté)');
    expect(text).toMatch(/84,50/);
  });

  it('cancelling is a reversal: the slip stays, its cheques are pending again, numbers go on', async () => {
    const two = await issue({ paymentIds: [paid.b1!], depositOn: '2026-11-05' });
    expect(two.number).toBe(2);
    expect(await cancel(2, 'remis par erreur')).toMatchObject({ number: 2, status: 'cancelled' });
    await refusal(cancel(2, 'encore'), 'already_cancelled');
    await refusal(cancel(9, 'x'), 'not_found');
    await refusal(cancel(1, ' '), 'invalid_input', 'reason');
    expect((await pending()).map((c) => c.reference)).toEqual(['CHQ-b1']);
    const three = await issue({ paymentIds: [paid.b1!] });
    expect(three).toMatchObject({ number: 3, total: '120.00' });
    const cancelled = await app.db.run((q) => depositSlip(q, 2));
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'remis par erreur' });
  });

  it('rebuilds the slip tables from the log to exactly the live ones', async () => {
    const selectAll = (t: string) => app.db.query(`SELECT * FROM ${t}`);
    const live = await snapshotReadModels(selectAll);
    await app.pipeline.rebuild(['bank']);
    expect(await snapshotReadModels(selectAll)).toEqual(live);
  });
});
