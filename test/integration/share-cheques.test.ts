import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { pendingCheques } from '../../projections/bank/deposit-slips.queries.js';
import {
  IssueDepositSlipCommand,
  type DepositSlipResult,
} from '../../src/bank/deposit-slip.commands.js';
import { DepositSlipPages } from '../../src/bank/deposit-slip-pages.service.js';
import { FecService } from '../../src/bank/fec.service.js';
import {
  SubscribeSharesCommand,
  type ShareMovementResult,
} from '../../src/shares/shares.commands.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { refusal } from '../support/refusal.js';

jest.setTimeout(120_000);

/** docs/accounting.md §7: a cheque for shares waits in 5112 and goes onto a deposit slip. */
describe.each(dialects)('a cheque for shares on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const bus = () => app.context.get(CommandBus);
  const subscribe = (input: SubscribeSharesCommand['input']) =>
    bus().execute<SubscribeSharesCommand, ShareMovementResult>(
      new SubscribeSharesCommand(input, 'test'),
    );

  it('is listed to deposit, goes on a slip, and passes through 5112 in the books', async () => {
    await refusal(
      subscribe({ tiersId: '3', count: 1, on: '2026-11-20', paid: true, method: 'carte' }),
      'invalid_input',
      'method',
    );
    await subscribe({
      tiersId: '3',
      count: 2,
      on: '2026-11-20',
      reference: 'CHQ-PARTS',
      paid: true,
      method: 'cheque',
      bank: 'Crédit Coopératif',
    });
    const pending = await app.db.run((q) => pendingCheques(q, '2026-11-20'));
    expect(pending).toEqual([
      {
        paymentId: expect.any(String),
        customerId: 'T3',
        amount: '32.00',
        receivedOn: '2026-11-20',
        reference: 'CHQ-PARTS',
        bank: 'Crédit Coopératif',
      },
    ]);
    const overview = await app.context.get(DepositSlipPages).overview();
    expect(overview.pending[0]?.cheques[0]?.customerName).toMatch(/\(parts sociales\)$/);

    const slip = await bus().execute<IssueDepositSlipCommand, DepositSlipResult>(
      new IssueDepositSlipCommand({ receivedOn: '2026-11-20', depositOn: '2026-11-21' }, 'test'),
    );
    expect(slip).toMatchObject({ chequeCount: 1, total: '32.00' });
    expect(await app.db.run((q) => pendingCheques(q))).toEqual([]);

    const rows = (await app.context.get(FecService).export(2026)).content
      .toString('latin1')
      .split('\r\n')
      .map((r) => r.split('\t'))
      .filter((c) => c[8] === 'CHQ-PARTS' || c[8] === `R${slip.number}`)
      .map((c) => [c[3], c[4], c[6], c[11], c[12]]);
    expect(rows).toEqual([
      ['20261120', '5112', '', '32,00', '0,00'],
      ['20261120', '1013', 'T3', '0,00', '32,00'],
      ['20261121', '512', '', '32,00', '0,00'],
      ['20261121', '5112', '', '0,00', '32,00'],
    ]);
  });
});
