import { addDays, type Day } from '../shared/day.js';
import { isOwed, type LifecycleRules, type OpenInvoice } from './account.js';
import type { DunningEvent } from './events.js';

/** What was sent about each invoice of one customer (its dunning stream). */
export interface DunningState {
  readonly customerId: string;
  readonly invoices: ReadonlyMap<
    string,
    { readonly noticeOn: Day | null; readonly reminders: number }
  >;
}

export const initialDunningState = (customerId: string): DunningState => ({
  customerId,
  invoices: new Map(),
});

export function evolveDunning(state: DunningState, event: DunningEvent): DunningState {
  const invoices = new Map(state.invoices);
  const current = invoices.get(event.data.invoiceId) ?? { noticeOn: null, reminders: 0 };
  switch (event.type) {
    case 'InvoiceNoticeSent':
      invoices.set(event.data.invoiceId, { ...current, noticeOn: event.data.on });
      break;
    case 'PaymentReminderSent':
      invoices.set(event.data.invoiceId, {
        ...current,
        reminders: Math.max(current.reminders, event.data.rank),
      });
      break;
  }
  return { ...state, invoices };
}

export const foldDunning = (customerId: string, events: readonly DunningEvent[]): DunningState =>
  events.reduce(evolveDunning, initialDunningState(customerId));

/**
 * The day's notices and reminders for one customer's invoices. Nothing is ever sent about an
 * invoice with nothing left to pay (0.00, paid, covered by credit notes). A notice goes out
 * within `catchUpDays` of the invoice's date; reminder n on its day after the due date (or
 * within `catchUpDays` of it), only the latest one when several fell due while the job was off.
 */
export function decideDunning(
  state: DunningState,
  command: { readonly on: Day },
  context: {
    readonly invoices: readonly OpenInvoice[];
    readonly rules: Pick<LifecycleRules, 'reminderDays' | 'catchUpDays'>;
  },
): readonly DunningEvent[] {
  const { on } = command;
  const { invoices, rules } = context;
  const events: DunningEvent[] = [];
  for (const invoice of invoices) {
    if (!isOwed(invoice) || invoice.issuedOn > on) continue;
    const sent = state.invoices.get(invoice.invoiceId) ?? { noticeOn: null, reminders: 0 };
    const base = {
      customerId: state.customerId,
      invoiceId: invoice.invoiceId,
      number: invoice.number,
      due: invoice.left,
      dueOn: invoice.dueOn,
      on,
    };
    if (sent.noticeOn === null && on < addDays(invoice.issuedOn, rules.catchUpDays)) {
      events.push({ type: 'InvoiceNoticeSent', data: base });
    }
    let rank = 0;
    rules.reminderDays.forEach((days, i) => {
      const day = addDays(invoice.dueOn, days);
      if (on >= day && on < addDays(day, rules.catchUpDays)) rank = i + 1;
    });
    if (rank > sent.reminders)
      events.push({ type: 'PaymentReminderSent', data: { ...base, rank } });
  }
  return events;
}
