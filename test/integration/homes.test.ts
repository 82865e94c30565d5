import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ArgumentsHost } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { Money } from '../../domain/shared/money.js';
import {
  BookBankLineCommand,
  ImportBankStatementCommand,
} from '../../src/bank/bank-statement.commands.js';
import { projectRoot } from '../../src/kernel/paths.js';
import { BillingQueries } from '../../src/billing/billing-queries.js';
import { ErrorLog } from '../../src/panel/error-log.js';
import { ErrorsFilter } from '../../src/panel/errors.filter.js';
import { HomeTiles, type HomeName } from '../../src/panel/home-tiles.js';
import { ADMIN_EXPECTED } from '../../src/panel/home.controller.js';
import { AppHarness, cheque, yearLine } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';

jest.setTimeout(120_000);

const fixture = (name: string) => readFileSync(join(projectRoot, 'test/fixtures/bank', name));

/** What a page error reaches the filter with: the request and a response that renders. */
function httpHost(method: string, url: string) {
  const res = {
    headersSent: false,
    statusCode: 200,
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    render: jest.fn(),
    json: jest.fn(),
  };
  const req = { method, originalUrl: url, path: url.split('?')[0] };
  const host = {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ArgumentsHost;
  return { host, res };
}

describe.each(dialects)('the homes’ figures on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  const today = '2026-11-25';
  const customer = '3';

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, { now: `${today}T10:00:00Z` });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const bus = () => app.context.get(CommandBus);
  const tiles = async (home: HomeName) => {
    const expected = home === 'admin' ? ADMIN_EXPECTED : [];
    const shown = await app.context.get(HomeTiles).tiles(home, today, expected);
    return Object.fromEntries(shown.map((t) => [t.slot, t]));
  };
  const figure = async (home: HomeName, slot: string) => {
    const t = (await tiles(home))[slot];
    if (!t?.available) throw new Error(`no figure for ${slot}`);
    return { count: t.count, amount: t.amount };
  };

  it('every tile of both homes answers on an empty log, and no slot is left "not yet available"', async () => {
    const admin = await tiles('admin');
    expect(Object.keys(admin).sort()).toEqual([
      'accounts.closing',
      'accounts.new',
      'accounts.suspended',
      'errors.today',
      'hosting.disk',
      'mail.boxes',
      'mail.failed',
      'mail.over',
      'provisioning.failed',
    ]);
    expect(Object.values(admin).every((t) => t.available)).toBe(true);
    const treasurer = await tiles('treasurer');
    expect(Object.keys(treasurer)).toEqual([
      'cheques.pending',
      'cards.unmatched',
      'bank.unmatched',
      'cards.anomalies',
      'invoices.overdue',
      'receipts.month',
    ]);
    expect(await figure('treasurer', 'invoices.overdue')).toEqual({ count: 0, amount: '0.00' });
  });

  it('counts the invoices past due and what they still ask, the cheques to deposit, the card days and the month’s receipts', async () => {
    const old = await app.issue({
      customerId: customer,
      issuedOn: '2026-09-01',
      lines: [yearLine('Plaque de base', '100.00', '2026-09-01', '2027-08-31')],
    });
    // Issued today: due in a month, not overdue.
    await app.issue({
      customerId: customer,
      issuedOn: today,
      lines: [yearLine('Option', '10.00', today, '2027-11-24')],
    });
    expect(old.total).toBe('120.00');
    expect(await figure('treasurer', 'invoices.overdue')).toEqual({ count: 1, amount: '120.00' });

    await app.pay(cheque(customer, old.invoiceId, '20.00', '2026-11-20', 'CHQ-1', 'La Poste'));
    await app.pay({
      ...cheque(customer, old.invoiceId, '30.00', '2026-11-18', 'CB-1'),
      method: 'card',
    });
    expect(await figure('treasurer', 'invoices.overdue')).toEqual({ count: 1, amount: '70.00' });
    expect(await figure('treasurer', 'cheques.pending')).toEqual({ count: 1, amount: '20.00' });
    expect(await figure('treasurer', 'cards.unmatched')).toEqual({ count: 1, amount: '30.00' });
    expect(await figure('treasurer', 'receipts.month')).toEqual({ count: 2, amount: '50.00' });

    const page = await app.context.get(BillingQueries).overdue(today, { limit: 10, offset: 0 });
    expect(page.map((i) => [i.number, i.balance, i.customerName])).toEqual([
      [old.number, '70.00', 'Webcoop SARL'],
    ]);
  });

  it('counts the bank lines nothing accounts for: a line booked as fees leaves the count', async () => {
    await bus().execute(
      new ImportBankStatementCommand(
        { fileName: 'releve-cfonb120.txt', content: fixture('releve-cfonb120.txt') },
        'test',
      ),
    );
    const before = await figure('treasurer', 'bank.unmatched');
    expect(before.count).toBe(6);
    const [fees] = await app.db.query<{ line_id: string }>(
      `SELECT line_id FROM g2_rm_bank_lines WHERE amount_cents = -1234`,
    );
    await bus().execute(
      new BookBankLineCommand({ lineId: fees!.line_id, kind: 'bank_fee' }, 'test'),
    );
    const after = await figure('treasurer', 'bank.unmatched');
    expect(after.count).toBe(5);
    expect(Money.of(before.amount).minus(Money.of(after.amount)).toString()).toBe('-12.34');
  });

  it('keeps each server error (path without its query string) and counts the day’s', async () => {
    const filter = new ErrorsFilter(app.context.get(ErrorLog));
    const { host, res } = httpHost('GET', '/admin/facturation?jeton=secret');
    filter.catch(new Error('boom'), host);
    expect(res.statusCode).toBe(500);
    // The filter does not wait for the write: wait for the row.
    const log = app.context.get(ErrorLog);
    for (let i = 0; i < 100 && (await log.countOn(today)) === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await figure('admin', 'errors.today')).toEqual({ count: 1, amount: undefined });
    const [kept] = await log.of(today);
    expect(kept).toMatchObject({
      method: 'GET',
      path: '/admin/facturation',
      message: 'Error: boom',
    });
    // An expected refusal is no server error.
    const other = httpHost('GET', '/nulle-part');
    filter.catch(new (await import('@nestjs/common')).NotFoundException(), other.host);
    expect(other.res.statusCode).toBe(404);
    expect(await log.countOn(today)).toBe(1);
  });

  it('has an index for the overdue and the cheque figures, so neither scans its table', async () => {
    // SQLite says which index it uses; MariaDB which it may use (on a tiny table it may scan).
    const indexes = async (sql: string) =>
      dialect === 'sqlite'
        ? (await app.db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, [today]))
            .map((r) => r.detail)
            .join(' | ')
        : (await app.db.query<{ possible_keys: string | null }>(`EXPLAIN ${sql}`, [today]))
            .map((r) => r.possible_keys ?? '')
            .join(' | ');
    expect(
      await indexes(
        `SELECT COUNT(*) FROM g2_rm_invoices WHERE kind = 'invoice' AND status = 'issued' AND due_on < ?`,
      ),
    ).toContain('g2_rm_invoices_due');
    expect(
      await indexes(
        `SELECT COUNT(*) FROM g2_rm_payments p WHERE p.method = 'cheque' AND p.status = 'valid' AND p.received_on < ?`,
      ),
    ).toContain('g2_rm_payments_method');
  });
});
