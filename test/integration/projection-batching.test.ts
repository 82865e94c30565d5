import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { accountsProjection } from '../../projections/accounts/accounts.projection.js';
import { assembliesProjection } from '../../projections/assemblies/assemblies.projection.js';
import { customerCreditProjection } from '../../projections/customer-credit/customer-credit.projection.js';
import { invoiceBalancesProjection } from '../../projections/invoice-balances/invoice-balances.projection.js';
import { sharesProjection } from '../../projections/shares/shares.projection.js';
import type { Db, Tx } from '../../src/kernel/database/db.js';
import type { RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import { ProjectionRows } from '../../src/kernel/projection-rows.js';
import type { Projection } from '../../src/kernel/projection.js';
import { dialects, migratedTestDatabase } from '../support/databases.js';

jest.setTimeout(600_000);

/**
 * The batched apply of a rebuild (changes held in memory across events, rows read back from
 * memory, the oldest dropped past a bound and read again from the database, flushed in
 * multi-row statements at random points) gives the very tables the one-event-per-command apply
 * gives, over random event sequences on small id pools (so rows are read back, changed again,
 * deleted and re-created within and across batches).
 */

const cents = (c: number) => `${c < 0 ? '-' : ''}${(Math.abs(c) / 100).toFixed(2)}`;
const amount = fc.integer({ min: 0, max: 20_000 }).map(cents);
const signed = fc.integer({ min: -5_000, max: 20_000 }).map(cents);
const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-02-${String(d).padStart(2, '0')}`);
const invoice = fc.constantFrom('i1', 'i2', 'i3', 'i4');
const payment = fc.constantFrom('p1', 'p2', 'p3', 'p4');
const customer = fc.constantFrom('c1', 'c2', 'c3');
const account = fc.constantFrom('a1', 'a2', 'a3');
const reason = fc.constantFrom('unpaid', 'admin', 'abuse', 'trial_expired');
const numbers = fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 3 });
const request = fc.constantFrom('r1', 'r2');
const id = fc.constantFrom('x1', 'x2', 'x3', 'x4', 'x5', 'x6');
const line = (lineId: string) =>
  fc.record({
    lineId: fc.constant(lineId),
    label: fc.constant('Hébergement'),
    net: amount,
    vatRate: fc.constant('20'),
    vat: amount,
    total: amount,
    serviceStart: fc.constant('2026-01-01'),
    serviceEnd: fc.constant('2026-12-31'),
  });

const billing = fc.oneof(
  fc
    .record({
      type: fc.constant('InvoiceIssued'),
      data: fc.record({
        invoiceId: invoice,
        customerId: customer,
        issuedOn: day,
        dueOn: day,
        lines: fc.tuple(line('l1'), line('l2')).map(([a, b]) => [a, b]),
        totalNet: amount,
        totalVat: amount,
        total: fc.oneof(amount, fc.constant('0.00')),
      }),
    })
    .map((e) => ({ ...e, data: { ...e.data, number: `F-${e.data.invoiceId}` } })),
  fc
    .record({
      type: fc.constant('CreditNoteIssued'),
      data: fc.record({
        creditNoteId: fc.constantFrom('n1', 'n2'),
        invoiceId: invoice,
        customerId: customer,
        issuedOn: day,
        lines: fc.tuple(line('l1')).map(([a]) => [a]),
        totalNet: amount,
        totalVat: amount,
        total: amount,
        toCredit: amount,
      }),
    })
    .map((e) => ({ ...e, data: { ...e.data, number: `AV-${e.data.creditNoteId}` } })),
  fc.record({
    type: fc.constant('InvoicePaymentAllocated'),
    data: fc.record({ invoiceId: invoice, paymentId: payment, amount: signed, paidOn: day }),
  }),
  fc.record({
    type: fc.constant('PaymentRecorded'),
    data: fc.record({
      paymentId: payment,
      customerId: customer,
      method: fc.constant('cheque'),
      amount,
      receivedOn: day,
      reference: fc.constant('CHQ'),
      bank: fc.constant('Banque'),
      allocations: fc.array(fc.record({ invoiceId: invoice, amount }), { maxLength: 2 }),
    }),
  }),
  fc.record({
    type: fc.constant('PaymentAllocationChanged'),
    data: fc.record({ paymentId: payment, invoiceId: invoice, amount: signed }),
  }),
  fc.record({
    type: fc.constant('PaymentReversed'),
    data: fc.record({
      paymentId: payment,
      reversalId: id,
      customerId: customer,
      kind: fc.constantFrom('bounced', 'refund'),
      amount,
      on: day,
      reference: fc.constant('REJ'),
      reason: fc.constant('rejet'),
    }),
  }),
  fc.record({
    type: fc.constant('CustomerCredited'),
    data: fc.record({
      customerId: customer,
      amount,
      on: day,
      source: fc.constant('overpayment'),
      sourceId: id,
    }),
  }),
  fc.record({
    type: fc.constant('CustomerCreditApplied'),
    data: fc.record({
      customerId: customer,
      applicationId: id,
      invoiceId: invoice,
      amount,
      on: day,
    }),
  }),
  fc.record({
    type: fc.constant('CustomerCreditWithdrawn'),
    data: fc.record({
      customerId: customer,
      withdrawalId: id,
      amount,
      on: day,
      reason: fc.constant('refund'),
      paymentId: fc.option(payment),
      reversedApplications: fc.array(fc.record({ applicationId: id, invoiceId: invoice, amount }), {
        maxLength: 2,
      }),
    }),
  }),
);

const accounts = fc.oneof(
  fc.record({
    type: fc.constant('AccountOpened'),
    data: fc.record({
      accountId: account,
      customerId: customer,
      name: fc.constant('site'),
      openedOn: day,
      trialEndsOn: fc.option(day),
    }),
  }),
  fc.record({
    type: fc.constant('AccountSuspended'),
    data: fc.record({ accountId: account, reason, note: fc.constant('n'), on: day }),
  }),
  fc.record({
    type: fc.constant('AccountReactivated'),
    data: fc.record({ accountId: account, liftedReason: reason, on: day }),
  }),
  fc.record({
    type: fc.constant('AccountClosed'),
    data: fc.record({ accountId: account, on: day }),
  }),
  fc.record({
    type: fc.constant('AccountConverted'),
    data: fc.record({ accountId: account, on: day, by: fc.constantFrom('payment', 'admin') }),
  }),
  fc.record({
    type: fc.constant('AccountClosureNoticeSent'),
    data: fc.record({ accountId: account, reason, on: day, closesOn: day }),
  }),
  fc.record({
    type: fc.constantFrom('InvoiceNoticeSent', 'PaymentReminderSent'),
    data: fc.record({
      customerId: customer,
      invoiceId: invoice,
      number: fc.constant('F-1'),
      rank: fc.integer({ min: 1, max: 3 }),
      on: day,
    }),
  }),
);

const shares = fc.oneof(
  fc.record({
    type: fc.constant('SharesSubscribed'),
    data: fc.record({
      subscriptionId: id,
      tiersId: customer,
      numbers,
      nominal: fc.constantFrom('15.00', '20.00'),
      on: day,
      reference: fc.constant('S'),
    }),
  }),
  fc.record({
    type: fc.constant('SharesPaidUp'),
    data: fc.record({
      liberationId: id,
      tiersId: customer,
      numbers,
      on: day,
      reference: fc.constant('L'),
      legacyPaymentId: fc.option(fc.integer({ min: 1, max: 9 })),
    }),
  }),
  fc.record({
    type: fc.constant('ShareRedemptionQueued'),
    data: fc.record({
      requestId: request,
      tiersId: customer,
      numbers,
      requestedOn: day,
      amount,
      reason: fc.constant('départ'),
    }),
  }),
  fc.record({
    type: fc.constant('SharesRedeemed'),
    data: fc.record({
      redemptionId: id,
      requestId: fc.option(request),
      tiersId: customer,
      numbers,
      on: day,
      requestedOn: day,
      amount,
      reason: fc.constant('départ'),
    }),
  }),
  fc.record({
    type: fc.constant('ShareRedemptionWithdrawn'),
    data: fc.record({ requestId: request, tiersId: customer, on: day }),
  }),
  fc.record({
    type: fc.constant('SharesCancelled'),
    data: fc.record({
      cancellationId: id,
      tiersId: customer,
      numbers,
      on: day,
      reason: fc.constant('erreur'),
    }),
  }),
);

const member = fc.constantFrom('c1', 'c2', 'c3');
const assembly = fc.constantFrom('g1', 'g2');
const assemblies = fc.oneof(
  fc.record({
    type: fc.constant('AssemblyConvened'),
    data: fc.record({
      assemblyId: assembly,
      kind: fc.constant('ordinary'),
      title: fc.constant('AG'),
      heldOn: day,
      call: fc.constant(1),
      postalDeadline: day,
      proxyCap: fc.constant(2),
      quorum: fc.constant(null),
      majority: fc.constant({ num: 1, den: 2, strict: true }),
      listOn: day,
      convenedOn: day,
      members: fc.constant(
        ['c1', 'c2', 'c3'].map((tiersId) => ({
          tiersId,
          name: `Membre ${tiersId}`,
          address: '',
          shares: 1,
          numbers: '1',
        })),
      ),
    }),
  }),
  fc.record({
    type: fc.constant('MemberMarkedPresent'),
    data: fc.record({ assemblyId: assembly, tiersId: member, on: day }),
  }),
  fc.record({
    type: fc.constant('ProxyRecorded'),
    data: fc.record({
      assemblyId: assembly,
      tiersId: member,
      holderId: fc.option(member),
      on: day,
    }),
  }),
  fc.record({
    type: fc.constant('PostalVoteRecorded'),
    data: fc.record({
      assemblyId: assembly,
      tiersId: member,
      receivedOn: day,
      choices: fc.constant({}),
    }),
  }),
  fc.record({
    type: fc.constant('AttendanceWithdrawn'),
    data: fc.record({ assemblyId: assembly, tiersId: member }),
  }),
);

function recorded(events: readonly { type: string; data: unknown }[]): RecordedEvent[] {
  return events.map((e, i) => ({
    position: i + 1,
    streamId: 'test',
    streamVersion: i,
    type: e.type,
    data: e.data,
    metadata: { actor: 'test', source: 'g2', commandType: 'Test', correlationId: 'c' },
    recordedAt: '2026-02-01 00:00:00.000',
  }));
}

describe.each(dialects)('batched projection apply on %s', (dialect) => {
  let opened: Awaited<ReturnType<typeof migratedTestDatabase>> | undefined;
  let db: Db;

  beforeAll(async () => {
    opened = await migratedTestDatabase(dialect);
    db = opened.db;
  });

  afterAll(async () => {
    await opened?.close();
  });

  async function tables(tx: Tx, p: Projection): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const t of p.tables)
      out[t.name] = (await tx.query(`SELECT * FROM ${t.name}`))
        .map((r) => JSON.stringify(r))
        .sort();
    return out;
  }

  async function clear(tx: Tx, p: Projection): Promise<void> {
    for (const t of p.tables) await tx.execute(`DELETE FROM ${t.name}`);
  }

  /** As live commands do: each event in its own run, its changes written at once. */
  async function oneByOne(p: Projection, events: readonly RecordedEvent[]) {
    return db.transaction(async (tx) => {
      await clear(tx, p);
      for (const e of events) {
        if (!p.handles(e.type)) continue;
        const rows = new ProjectionRows(tx, p.tables, 'command');
        await p.start()(rows, e);
        await rows.flush();
      }
      return tables(tx, p);
    });
  }

  /** As a rebuild does, with a tiny memory bound and flushes at random points. */
  async function batched(
    p: Projection,
    events: readonly RecordedEvent[],
    o: { cachedRowsPerTable: number; flushAfter: number; checkEvery: number },
  ) {
    return db.transaction(async (tx) => {
      await clear(tx, p);
      const rows = new ProjectionRows(tx, p.tables, 'rebuild', o);
      const apply = p.start();
      let n = 0;
      for (const e of events) {
        if (p.handles(e.type)) await apply(rows, e);
        if (++n % o.checkEvery === 0) await rows.flushIfFull();
      }
      await rows.flush();
      return tables(tx, p);
    });
  }

  it('a rebuild holds at most its bound of rows, and nothing of the groups it dropped', async () => {
    const tables = invoiceBalancesProjection().tables;
    await db.transaction(async (tx) => {
      for (const t of tables) await tx.execute(`DELETE FROM ${t.name}`);
      const rows = new ProjectionRows(tx, tables, 'rebuild', {
        cachedRowsPerTable: 10,
        flushAfter: 50,
      });
      for (let i = 0; i < 1_000; i++) {
        rows.put('g2_rm_invoice_payments', {
          invoice_id: `i${i}`,
          payment_id: 'p',
          seq: 1,
          paid_on: '2026-02-01',
          amount_cents: i,
        });
        await rows.flushIfFull();
      }
      await rows.flush();
      // Every invoice's group of pairs used to stay behind, emptied, once its rows were dropped.
      expect(rows.held()['g2_rm_invoice_payments']).toEqual({ rows: 10, prefixes: 10 });
      // A dropped row is read again; a key never written is known absent.
      expect(
        Number((await rows.get('g2_rm_invoice_payments', ['i3', 'p']))?.['amount_cents']),
      ).toBe(3);
      expect(await rows.get('g2_rm_invoice_payments', ['i3', 'q'])).toBeUndefined();
      const pairs = await rows.select('g2_rm_invoice_payments', {
        where: [{ column: 'invoice_id', op: '=', value: 'i4' }],
      });
      expect(pairs.map((r) => Number(r['amount_cents']))).toEqual([4]);
      for (const t of tables) await tx.execute(`DELETE FROM ${t.name}`);
    });
  });

  const options = fc.record({
    cachedRowsPerTable: fc.integer({ min: 1, max: 4 }),
    flushAfter: fc.integer({ min: 1, max: 30 }),
    checkEvery: fc.integer({ min: 1, max: 10 }),
  });

  const cases: [string, () => Projection, fc.Arbitrary<{ type: string; data: unknown }>][] = [
    ['invoice-balances', invoiceBalancesProjection, billing],
    ['customer-credit', customerCreditProjection, billing],
    ['accounts', accountsProjection, accounts],
    ['shares', sharesProjection, shares],
    ['assemblies', assembliesProjection, assemblies],
  ];

  it.each(cases)('%s: batched equals one event at a time', async (_name, make, event) => {
    const p = make();
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { minLength: 20, maxLength: 80 }),
        options,
        async (es, o) => {
          const events = recorded(es);
          expect(await batched(p, events, o)).toEqual(await oneByOne(p, events));
        },
      ),
      { numRuns: dialect === 'sqlite' ? 60 : 25 },
    );
  });
});
