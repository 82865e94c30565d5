import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { BOOKS_STREAM } from '../../domain/books/events.js';
import { DomainError } from '../../domain/shared/errors.js';
import { AppHarness, yearLine } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { refusal } from '../support/refusal.js';

jest.setTimeout(60_000);

/**
 * The pipeline's numbered commands (`executeNumbered`): a bad or locked-period command draws
 * nothing; a number drawn for a command that then fails is recorded as a gap; a retry draws
 * nothing.
 */
describe.each(dialects)('numbered commands on %s', (dialect) => {
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

  const counter = async () => {
    const [row] = await app.db.query<{ valeur: number }>(
      `SELECT valeur FROM compteurs WHERE nom = 'facture_2026'`,
    );
    return Number(row?.valeur ?? 0);
  };
  const gaps = () =>
    app.db.query<{ number: string; reason: string }>(
      `SELECT number, reason FROM g2_number_gaps WHERE counter = 'facture_2026' ORDER BY value`,
    );
  const invoice = (issuedOn: string) => ({
    customerId: '3',
    issuedOn,
    lines: [yearLine('Plaque', '10.00', issuedOn, '2027-10-31')],
  });

  it('refuses an invoice dated in a declared VAT month before drawing its number', async () => {
    await app.pipeline.execute({
      commandType: 'DeclareVatMonth',
      actor: 'test',
      now: new Date('2026-11-20T10:00:00Z'),
      request: {},
      decide: () =>
        Promise.resolve({
          appends: [
            {
              streamId: BOOKS_STREAM,
              expectedVersion: 'any',
              events: [
                {
                  type: 'VatMonthDeclared',
                  data: { month: '2026-10', declaredOn: '2026-11-20', reference: 'CA3-10' },
                },
              ],
            },
          ],
          result: null,
        }),
    });
    const before = await counter();
    await refusal(app.issue(invoice('2026-10-31')), 'period_locked');
    expect(await counter()).toBe(before);
    expect(await gaps()).toEqual([]);
    const issued = await app.issue(invoice('2026-11-02'));
    expect(issued.number).toBe(`F2026-${String(before + 1).padStart(6, '0')}`);
  });

  it('records a number drawn for a command that then fails as a gap, with why', async () => {
    const before = await counter();
    const drawn = { counter: 'facture_2026', value: before + 1, number: 'F2026-test' };
    await app.db.query(`UPDATE compteurs SET valeur = ? WHERE nom = 'facture_2026'`, [before + 1]);
    await refusal(
      app.pipeline.executeNumbered({
        commandType: 'Failing',
        actor: 'test',
        now: new Date('2026-11-25T10:00:00Z'),
        request: {},
        check: () => Promise.resolve(null),
        draw: () => Promise.resolve([drawn]),
        decide: () => Promise.reject(new DomainError('conflict', 'Refusé en route.')),
      }),
      'conflict',
    );
    expect(await gaps()).toEqual([
      { number: 'F2026-test', reason: 'command failed: Refusé en route.' },
    ]);
  });

  it('answers a retry from its first result without checking or drawing again', async () => {
    const first = await app.issue(invoice('2026-11-04'), 'numbered-retry-1');
    const before = await counter();
    expect(await app.issue(invoice('2026-11-04'), 'numbered-retry-1')).toEqual(first);
    expect(await counter()).toBe(before);
  });
});
