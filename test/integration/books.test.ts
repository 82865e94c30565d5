import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Money } from '../../domain/shared/money.js';
import { redatedWrites } from '../../src/kernel/period-lock.js';
import { BooksService } from '../../src/bank/books.service.js';
import { FecService } from '../../src/bank/fec.service.js';
import { AppHarness, cheque, yearLine } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { refusal } from '../support/refusal.js';

jest.setTimeout(120_000);

describe.each(dialects)('closing a fiscal year on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let firstInvoice = '';
  /** 2025's file as the closing produced it. */
  let closedFile: Buffer = Buffer.alloc(0);
  const file = async (year: number) => (await app.context.get(FecService).export(year)).content;
  const books = () => app.context.get(BooksService);
  const rows = async (year: number) =>
    (await app.context.get(FecService).export(year)).content
      .toString('latin1')
      .split('\r\n')
      .filter((l) => l !== '')
      .slice(1)
      .map((l) => l.split('\t'));

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, { now: '2026-02-10T10:00:00Z' });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('books the deferred revenue, numbers and validates the year for good, then locks it', async () => {
    // docs/accounting.md §7: issued in 2025 for 2025-09-15 → 2026-09-14, unpaid at the closing.
    // Gloux's product 3 (MYSQL1) is an option in the catalogue: its revenue account is 7062,
    // though the line's kind alone (misc) would say 7068.
    const invoice = await app.issue({
      customerId: '3',
      issuedOn: '2025-09-15',
      lines: [{ ...yearLine('Base MySQL', '100.00', '2025-09-15', '2026-09-14'), productId: '3' }],
    });
    firstInvoice = invoice.invoiceId;
    await app.pay(cheque('3', invoice.invoiceId, '60.00', '2026-01-20', '2000001'));
    const before = await books().preview(2025);
    expect(before).toMatchObject({ closedOn: null, refusal: null, deferred: '70.41' });
    await refusal(books().close('', 'test'), 'invalid_input', 'exercice');

    const closed = await books().close(2025, 'test');
    expect(closed).toMatchObject({ fiscalYear: 2025, closedOn: '2026-02-10' });
    expect(closed.journals).toEqual([
      { journal: 'VT', entries: 1, debit: '120.00' },
      { journal: 'OD', entries: 1, debit: '70.41' },
    ]);
    await refusal(books().close(2025, 'test'), 'already_closed');
    closedFile = await file(2025);

    const y2025 = await rows(2025);
    expect(y2025.map((r) => [r[0], r[2], r[4], r[11], r[12], r[15]])).toEqual([
      ['VT', '1', '411', '120,00', '0,00', '20260210'],
      ['VT', '1', '7062', '0,00', '100,00', '20260210'],
      ['VT', '1', '44574', '0,00', '20,00', '20260210'],
      ['OD', '1', '7062', '70,41', '0,00', '20260210'],
      ['OD', '1', '487', '0,00', '70,41', '20260210'],
    ]);

    // Locked: a cheque dated in 2025 is refused in French; the first open day is accepted.
    const refused = await refusal(
      app.pay(cheque('3', invoice.invoiceId, '10.00', '2025-12-31', '2000002')),
      'period_locked',
    );
    expect(refused.message).toContain('Datez-la du 01/01/2026 ou après');
    await app.pay(cheque('3', invoice.invoiceId, '10.00', '2026-01-01', '2000003'));
    // 2025's file did not move; 2026 opens with 2025's balances and takes the deferral back.
    expect(await rows(2025)).toEqual(y2025);
    const y2026 = await rows(2026);
    // (On MariaDB, Gloux's fixture capital, taken over at start-up, opens 2026 too: 1012/1013/4562.)
    const an = y2026.filter((r) => r[0] === 'AN');
    expect(
      an
        .filter((r) => ['411', '44574', '487'].includes(r[4]!))
        .map((r) => [r[4], r[6], r[11], r[12]]),
    ).toEqual([
      ['411', 'C3', '120,00', '0,00'],
      ['44574', '', '0,00', '20,00'],
      ['487', '', '0,00', '70,41'],
    ]);
    const amount = (v: string) => Money.of(v.replace(',', '.'));
    const balance = Money.sum(an.map((r) => amount(r[11]!).minus(amount(r[12]!))));
    expect(balance.toString()).toBe('0.00');
    expect(y2026.find((r) => r[8] === 'PCA2025' && r[4] === '487')?.[11]).toBe('70,41');
    // Not closed: not validated yet.
    expect(new Set(y2026.map((r) => r[15]))).toEqual(new Set(['']));
  });

  it('takes a Gloux write dated in the closed year in on the first open day, and lists it', async () => {
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
    // The closed year's file did not take it.
    expect((await rows(2025)).some((r) => r[8] === 'VIR-G1')).toBe(false);
    expect((await books().preview(2025)).redated).toHaveLength(1);
  });

  it('serves the closed year’s file as its closing wrote it: late facts, renamed member, changed ledger', async () => {
    // Late facts (a cheque on the first open day, a Gloux write taken in) went to 2026 above.
    expect((await file(2025)).equals(closedFile)).toBe(true);
    expect((await rows(2026)).some((r) => r[8] === 'VIR-G1')).toBe(true);
    // The member renamed in Gloux: the closed year keeps the name it was handed over with.
    const tiersOf3 = `(SELECT id_tiers FROM clients WHERE id_client = 3)`;
    await app.db.run((q) =>
      q.execute(
        `UPDATE tiers SET raison_sociale = 'Nouveau Nom SARL' WHERE id_tiers = ${tiersOf3}`,
      ),
    );
    expect((await file(2025)).equals(closedFile)).toBe(true);
    expect((await rows(2026)).find((r) => r[6] === 'C3')?.[7]).toBe('Nouveau Nom SARL');
    // The log read differently today (as a change of the ledger's code would: here the
    // invoice's number rewritten under it) changes the replay, never the closed file.
    const fec = app.context.get(FecService);
    const renumber = (from: string, to: string) =>
      app.db.run((q) =>
        q.execute(`UPDATE g2_events SET data = REPLACE(data, ?, ?) WHERE stream_id = ?`, [
          `"number":"${from}`,
          `"number":"${to}`,
          `invoice-${firstInvoice}`,
        ]),
      );
    await renumber('F2025-', 'X2025-');
    try {
      const replayed = await app.db.run(async (q) => fec.render(q, await fec.ledgerIn(q), 2025));
      expect(replayed.content.toString('latin1')).toContain('X2025-');
      expect((await file(2025)).equals(closedFile)).toBe(true);
    } finally {
      await renumber('X2025-', 'F2025-');
    }
  });

  it('a declared VAT month is locked like a closed year', async () => {
    await books().declareVatMonth('2026-01', 'CA3-01', 'test');
    await refusal(books().declareVatMonth('2026-01', '', 'test'), 'already_declared');
    await refusal(books().declareVatMonth('2026-02', '', 'test'), 'invalid_input', 'mois');
    const refused = await refusal(
      app.pay(cheque('3', firstInvoice, '12.00', '2026-01-31', '2000004')),
      'period_locked',
    );
    expect(refused.message).toMatch(/la TVA de janvier 2026 est déclarée.*01\/02\/2026/);
    const preview = await books().preview(2026);
    expect(preview.vatMonths.filter((m) => m.declared).map((m) => m.month)).toEqual(['2026-01']);
  });
});
