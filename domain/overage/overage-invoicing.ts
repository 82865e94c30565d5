import { vatPerRate, type IssueInvoice } from '../billing/invoice.js';
import { parseDay, type Day } from '../shared/day.js';
import { DomainError, parseField } from '../shared/errors.js';
import { compareBy } from '../shared/compare.js';
import { Money } from '../shared/money.js';
import type {
  OverageBillingEvent,
  OverageCharge,
  OverageInvoiceReason,
  OverageInvoiced,
  OverageInvoiceRequested,
} from './events.js';

/** Pending lines frozen into one invoice; `invoice` is null until it is issued. */
export interface OverageBatch {
  readonly batchId: string;
  readonly chargeIds: readonly string[];
  readonly reason: OverageInvoiceReason;
  readonly requestedOn: Day;
  readonly total: string;
  readonly idempotencyKey: string;
  readonly invoice: { readonly invoiceId: string; readonly number: string } | null;
}

export interface OverageBillingState {
  readonly customerId: string;
  readonly batches: readonly OverageBatch[];
}

export const initialOverageBillingState: OverageBillingState = { customerId: '', batches: [] };

export function evolveOverageBilling(
  state: OverageBillingState,
  event: OverageBillingEvent,
): OverageBillingState {
  switch (event.type) {
    case 'OverageInvoiceRequested': {
      const d = event.data;
      return {
        customerId: d.customerId,
        batches: [
          ...state.batches,
          {
            batchId: d.batchId,
            chargeIds: d.chargeIds,
            reason: d.reason,
            requestedOn: d.requestedOn,
            total: d.total,
            idempotencyKey: d.idempotencyKey,
            invoice: null,
          },
        ],
      };
    }
    case 'OverageInvoiced': {
      const d = event.data;
      return {
        ...state,
        batches: state.batches.map((b) =>
          b.batchId === d.batchId
            ? { ...b, invoice: { invoiceId: d.invoiceId, number: d.number } }
            : b,
        ),
      };
    }
  }
}

/** The batch requested but not yet invoiced (at most one: a new one waits for it). */
export function openBatch(state: OverageBillingState): OverageBatch | null {
  return state.batches.find((b) => b.invoice === null) ?? null;
}

/** The customer's lines not yet in any invoice, oldest first. */
export function pendingCharges(
  state: OverageBillingState,
  customerId: string,
  charges: readonly OverageCharge[],
): OverageCharge[] {
  const taken = new Set(state.batches.flatMap((b) => b.chargeIds));
  return charges
    .filter((c) => c.customerId === customerId && !taken.has(c.chargeId))
    .sort(
      compareBy(
        (c) => c.periodStart,
        (c) => c.chargeId,
      ),
    );
}

/** The invoice's total (TTC) for these lines: nets plus VAT per rate, as the invoice computes it. */
export function totalOf(charges: readonly Pick<OverageCharge, 'net' | 'vatRate'>[]): Money {
  const lines = charges.map((c) => ({ net: Money.of(c.net), vatRate: c.vatRate }));
  return Money.sum([...lines.map((l) => l.net), ...vatPerRate(lines)]);
}

const MAX_INVOICE_LINES = 500;

export interface RequestOverageInvoice {
  readonly customerId: string;
  readonly on: string;
  readonly reason: OverageInvoiceReason;
}

/**
 * Freezes the pending lines into one invoice when their total (TTC) reaches the threshold, or
 * on account closure whatever the total. Below the threshold nothing happens: the lines stay
 * pending and visible. Never two batches at once.
 */
export function decideRequestOverageInvoice(
  state: OverageBillingState,
  cmd: RequestOverageInvoice,
  ctx: {
    /** The customer's overage lines (the handler loads them with the state). */
    readonly charges: readonly OverageCharge[];
    readonly threshold: Money;
    readonly batchId: string;
    readonly idempotencyKey: (chargeIds: readonly string[]) => string;
  },
): readonly OverageInvoiceRequested[] {
  const on = parseField('on', () => parseDay(cmd.on), 'Date de facturation invalide (AAAA-MM-JJ).');
  if (openBatch(state)) return [];
  // An invoice holds 500 lines at most: the oldest go first, the rest wait for the next one.
  const pending = pendingCharges(state, cmd.customerId, ctx.charges).slice(0, MAX_INVOICE_LINES);
  const total = totalOf(pending);
  if (pending.length === 0 || !total.isPositive()) return [];
  if (cmd.reason === 'threshold' && total.compare(ctx.threshold) < 0) return [];
  const chargeIds = pending.map((c) => c.chargeId);
  return [
    {
      type: 'OverageInvoiceRequested',
      data: {
        batchId: ctx.batchId,
        customerId: cmd.customerId,
        requestedOn: on,
        reason: cmd.reason,
        chargeIds,
        total: total.toString(),
        idempotencyKey: ctx.idempotencyKey(chargeIds),
      },
    },
  ];
}

/** The invoice of a batch: one 'overage' line per pending line, with its service period. */
export function overageInvoiceInput(
  batch: OverageBatch,
  customerId: string,
  charges: readonly OverageCharge[],
): IssueInvoice {
  const byId = new Map(charges.map((c) => [c.chargeId, c]));
  return {
    customerId,
    issuedOn: batch.requestedOn,
    lines: batch.chargeIds.map((id) => {
      const c = byId.get(id);
      if (!c) throw new Error(`Overage line ${id} of batch ${batch.batchId} is missing`);
      return {
        kind: 'overage',
        label: c.label,
        productId: c.productId,
        hostingId: c.hostingId,
        quantity: c.quantity,
        unitNet: c.unitNet,
        net: c.net,
        vatRate: c.vatRate,
        serviceStart: c.periodStart,
        serviceEnd: c.periodEnd,
      };
    }),
  };
}

export function decideRecordOverageInvoiced(
  state: OverageBillingState,
  cmd: { batchId: string; invoiceId: string; number: string; total: string; on: string },
): OverageInvoiced[] {
  const batch = state.batches.find((b) => b.batchId === cmd.batchId);
  if (!batch) throw new DomainError('not_found', 'Lot de dépassements introuvable.', 'batchId');
  if (batch.invoice !== null) {
    if (batch.invoice.invoiceId === cmd.invoiceId) return [];
    throw new DomainError(
      'already_issued',
      `Ces dépassements sont déjà facturés (${batch.invoice.number}).`,
      'batchId',
    );
  }
  return [
    {
      type: 'OverageInvoiced',
      data: {
        batchId: batch.batchId,
        customerId: state.customerId,
        invoiceId: cmd.invoiceId,
        number: cmd.number,
        total: cmd.total,
        on: cmd.on,
      },
    },
  ];
}
