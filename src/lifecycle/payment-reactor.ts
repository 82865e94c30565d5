import type {
  CreditNoteIssued,
  CustomerCreditApplied,
  PaymentAllocationChanged,
  PaymentRecorded,
} from '../../domain/billing/events.js';
import type { Clock } from '../kernel/clock.js';
import type { Db } from '../kernel/database/db.js';
import type { RecordedEvent } from '../kernel/event-store/event-store.js';
import type { AccountLifecycle } from './account-lifecycle.js';
import { LogFollower } from './log-follower.js';

export const PAYMENT_REACTION_CHECKPOINT = 'lifecycle-payments';

const REACTS_TO = new Set([
  'PaymentRecorded',
  'PaymentAllocationChanged',
  'CustomerCreditApplied',
  'CreditNoteIssued',
  // Gloux lowered an invoice's lines to what is paid: it may lift an unpaid suspension.
  'LegacyInvoiceLinesCorrected',
]);

/**
 * Reactivation and conversion after a payment of any mode (cheque, card, transfer…, recorded by
 * gloux2 or ingested from Gloux, or allocated later in Gloux), a use of credit or a credit note: from the log after commit,
 * with its own checkpoint; each reaction has an idempotency key derived from the event.
 */
export class PaymentReactor {
  readonly follower: LogFollower;

  constructor(
    private readonly db: Db,
    private readonly accounts: AccountLifecycle,
    private readonly clock: Clock,
  ) {
    this.follower = new LogFollower(
      db,
      PAYMENT_REACTION_CHECKPOINT,
      (e) => REACTS_TO.has(e.type),
      (e) => this.react(e),
    );
  }

  private async react(event: RecordedEvent): Promise<void> {
    const { customerId, invoiceIds } = this.subject(event);
    // A paid invoice with something to pay converts a trial account (never a 0.00 one).
    const paid = await this.db.run(async (q) => {
      if (invoiceIds.length === 0) return null;
      const [row] = await q.query<{ invoice_id: string; issued_on: string }>(
        `SELECT invoice_id, issued_on FROM g2_rm_invoices
          WHERE invoice_id IN (${invoiceIds.map(() => '?').join(', ')}) AND status = 'paid' AND total_cents > 0
          ORDER BY issued_on DESC, number DESC LIMIT 1`,
        invoiceIds,
      );
      return row ? { invoiceId: row.invoice_id, issuedOn: row.issued_on } : null;
    });
    // Judged on the day it runs: an old payment ingested late lifts nothing still overdue today.
    const today = this.clock.today();
    await this.accounts.afterPayment(customerId, paid, today, `after-payment:${event.position}`);
  }

  private subject(event: RecordedEvent): { customerId: string; invoiceIds: string[] } {
    switch (event.type) {
      case 'PaymentRecorded': {
        const d = (event as unknown as PaymentRecorded).data;
        return {
          customerId: d.customerId,
          invoiceIds: d.allocations.map((a) => a.invoiceId),
        };
      }
      case 'CustomerCreditApplied': {
        const d = (event as unknown as CustomerCreditApplied).data;
        return { customerId: d.customerId, invoiceIds: [d.invoiceId] };
      }
      case 'PaymentAllocationChanged': {
        const d = (event as unknown as PaymentAllocationChanged).data;
        return { customerId: d.customerId, invoiceIds: [d.invoiceId] };
      }
      default: {
        const d = (event as unknown as CreditNoteIssued).data;
        return { customerId: d.customerId, invoiceIds: [] };
      }
    }
  }
}
