import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { BOOKS_STREAM } from '../../domain/books/events.js';
import { decideCloseFiscalYear, NO_LOCKS } from '../../domain/books/period-lock.js';
import { redatedWrites } from '../../src/kernel/period-lock.js';
import { readAll } from '../../src/kernel/event-store/event-store.js';
import { AppHarness, cheque, yearLine } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { refusal } from '../support/refusal.js';

jest.setTimeout(120_000);

describe.each(dialects)('locked periods on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, { now: '2026-02-10T10:00:00Z' });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('refuses in French every gloux2 command dated in a closed year; Gloux writes move to the first open day', async () => {
    const invoice = await app.issue({
      customerId: '3',
      issuedOn: '2025-12-20',
      lines: [yearLine('Hébergement', '100.00', '2025-12-20', '2026-12-19')],
    });
    await app.pipeline.execute({
      commandType: 'CloseFiscalYear',
      actor: 'test',
      now: new Date('2026-02-10T10:00:00Z'),
      request: {},
      decide: () =>
        Promise.resolve({
          appends: [
            {
              streamId: BOOKS_STREAM,
              expectedVersion: 'any',
              events: [
                decideCloseFiscalYear(NO_LOCKS, {
                  closingId: 'c2025',
                  fiscalYear: 2025,
                  today: '2026-02-10',
                  fiscalYearStart: '01-01',
                  throughPosition: 0,
                  journals: [],
                }),
              ],
            },
          ],
          result: null,
        }),
    });
    const refused = await refusal(
      app.pay(cheque('3', invoice.invoiceId, '120.00', '2025-12-31', '1000001')),
      'period_locked',
    );
    expect(refused.message).toMatch(/l’exercice 2025 est clôturé.*Datez-la du 01\/01\/2026/);
    await refusal(
      app.issue({
        customerId: '3',
        issuedOn: '2025-12-31',
        lines: [yearLine('Hébergement', '10.00', '2025-12-31', '2026-12-30')],
      }),
      'period_locked',
    );
    // The same cheque dated on the first open day goes through.
    await app.pay(cheque('3', invoice.invoiceId, '60.00', '2026-01-01', '1000002'));

    // A write taken in from Gloux cannot be refused: it is taken in on the first open day.
    const outcome = await app.pipeline.execute({
      commandType: 'IngestGlouxPayment',
      actor: 'gloux',
      source: 'gloux',
      now: new Date('2026-02-10T10:00:00Z'),
      request: {},
      decide: () =>
        Promise.resolve({
          appends: [
            {
              streamId: 'payment-gloux-1',
              expectedVersion: -1,
              events: [
                {
                  type: 'PaymentRecorded',
                  data: {
                    paymentId: 'gloux-1',
                    customerId: '3',
                    method: 'transfer',
                    amount: '5.00',
                    receivedOn: '2025-11-30',
                    reference: 'VIR-G1',
                    bank: '',
                    allocations: [],
                  },
                },
              ],
            },
          ],
          result: null,
        }),
    });
    const recorded = outcome.events.find((e) => e.type === 'PaymentRecorded')!;
    expect((recorded.data as { receivedOn: string }).receivedOn).toBe('2026-01-01');
    const listed = await app.db.run((q) => redatedWrites(q));
    expect(listed).toEqual([
      {
        redateId: expect.any(String),
        from: '2025-11-30',
        to: '2026-01-01',
        commandType: 'IngestGlouxPayment',
        events: [{ type: 'PaymentRecorded', ref: 'VIR-G1' }],
      },
    ]);
    // Nothing of the refused commands reached the log.
    const log = await app.db.run((q) => readAll(q, 0, 1000));
    expect(log.filter((e) => e.type === 'PaymentRecorded')).toHaveLength(2);
  });
});
