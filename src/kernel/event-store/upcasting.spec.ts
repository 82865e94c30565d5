import { describe, expect, it } from '@jest/globals';
import { billingEventTypes } from '../../../domain/billing/events.js';
import { fromCents } from '../../../domain/shared/cents.js';
import type { Queryable, Row } from '../database/db.js';
import { readAll, readStream } from './event-store.js';
import { upcast, UPCASTERS, type UpcasterTable } from './upcasting.js';

/** An old shape as a test stands for one: an allocation in integer cents under another name. */
const table: UpcasterTable = {
  PaymentAllocatedV0: (e) => {
    const d = e.data as { invoice: string; payment: string; cents: number; on: string };
    return {
      type: 'PaymentAllocatedV1',
      data: { invoiceId: d.invoice, paymentId: d.payment, cents: d.cents, paidOn: d.on },
    };
  },
  PaymentAllocatedV1: (e) => {
    const { cents, ...rest } = e.data as { cents: number };
    return { type: 'InvoicePaymentAllocated', data: { ...rest, amount: fromCents(cents) } };
  },
};

/** A database holding rows exactly as an older version wrote them. */
function storedRows(rows: { type: string; data: unknown }[]): Queryable {
  const stored = rows.map((r, i) => ({
    position: i + 1,
    stream_id: 'invoice-I1',
    stream_version: i,
    type: r.type,
    data: JSON.stringify(r.data),
    metadata: JSON.stringify({ actor: 'a', source: 'g2', commandType: 'c', correlationId: 'x' }),
    recorded_at: '2025-01-01 10:00:00.000',
  }));
  return {
    dialect: 'sqlite',
    query: <T extends Row>() => Promise.resolve(stored as unknown as T[]),
    execute: () => Promise.reject(new Error('read only')),
    executeEach: () => Promise.reject(new Error('read only')),
  };
}

const old = {
  type: 'PaymentAllocatedV0',
  data: { invoice: 'I1', payment: 'P1', cents: 12050, on: '2025-01-01' },
};
const current = {
  type: 'InvoicePaymentAllocated',
  data: { invoiceId: 'I1', paymentId: 'P1', paidOn: '2025-01-01', amount: '120.50' },
};

describe('upcasting on the event store read path', () => {
  it('reads an old event shape as the current one, through readStream and readAll', async () => {
    const q = storedRows([old, current]);
    const byStream = await readStream(q, 'invoice-I1', 0, table);
    expect(byStream.map((e) => ({ type: e.type, data: e.data }))).toEqual([current, current]);
    expect(byStream[0]).toMatchObject({ position: 1, streamVersion: 0 });
    const all = await readAll(q, 0, 10, table);
    expect(all.map((e) => e.data)).toEqual([current.data, current.data]);
  });

  it('leaves current shapes alone, and refuses a table that loops', () => {
    expect(upcast(current, table)).toBe(current);
    const loop: UpcasterTable = {
      A: (e) => ({ ...e, type: 'B' }),
      B: (e) => ({ ...e, type: 'A' }),
    };
    expect(() => upcast({ type: 'A', data: {} }, loop)).toThrow(/loop/);
  });

  it('never upcasts a type the domain folds today', () => {
    for (const type of billingEventTypes) expect(Object.hasOwn(UPCASTERS, type)).toBe(false);
  });
});
