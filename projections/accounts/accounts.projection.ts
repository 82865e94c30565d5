import type { AccountEvent, DunningEvent } from '../../domain/accounts/events.js';
import { defineProjection, noMemo, type Row, type Rows } from '../../src/kernel/projection.js';

const ACCOUNTS = 'g2_rm_accounts';
const SUSPENSIONS = 'g2_rm_account_suspensions';
const DUNNING = 'g2_rm_dunning';

/**
 * Hosting accounts (state, trial, conversion, closure notice), their suspension reasons (one row
 * each), and what was sent about each invoice (notice, reminders).
 */
export const accountsProjection = () =>
  defineProjection<AccountEvent | DunningEvent>({
    name: 'accounts',
    tables: [
      { name: ACCOUNTS, key: ['account_id'], lookup: true },
      { name: SUSPENSIONS, key: ['account_id', 'reason'], lookup: true },
      { name: DUNNING, key: ['invoice_id'], lookup: true },
    ],
    handles: {
      AccountOpened: true,
      AccountSuspended: true,
      AccountReactivated: true,
      AccountClosed: true,
      AccountConverted: true,
      AccountClosureNoticeSent: true,
      InvoiceNoticeSent: true,
      PaymentReminderSent: true,
    },
    memo: noMemo,
    async apply(rows, event) {
      const p = event.position;
      switch (event.type) {
        case 'AccountOpened': {
          const d = event.data;
          // An event before the opening (ingested out of order) may have created the row.
          rows.put(ACCOUNTS, {
            account_id: d.accountId,
            customer_id: d.customerId,
            name: d.name,
            status: 'active',
            opened_on: d.openedOn,
            trial_ends_on: d.trialEndsOn,
            converted_on: null,
            converted_by: null,
            notice_on: null,
            closes_on: null,
            closed_on: null,
            last_position: p,
          });
          return change(rows, d.accountId, p, () => ({}));
        }
        case 'AccountSuspended': {
          const d = event.data;
          await ensureRow(rows, d.accountId, p);
          if (!(await rows.get(SUSPENSIONS, [d.accountId, d.reason]))) {
            rows.put(SUSPENSIONS, {
              account_id: d.accountId,
              reason: d.reason,
              note: d.note.slice(0, 255),
              since: d.on,
              position: p,
            });
          }
          return change(rows, d.accountId, p, () => ({}));
        }
        case 'AccountReactivated': {
          const d = event.data;
          await ensureRow(rows, d.accountId, p);
          rows.delete(SUSPENSIONS, [d.accountId, d.liftedReason]);
          // The notice stands only while a reason leading to closure is left (evolveAccount).
          const left = await suspensions(rows, d.accountId);
          const closing = left.some(
            (s) => s['reason'] === 'unpaid' || s['reason'] === 'trial_expired',
          );
          const lifted: Row = closing ? {} : { notice_on: null, closes_on: null };
          return change(rows, d.accountId, p, () => lifted);
        }
        case 'AccountClosed': {
          const d = event.data;
          await ensureRow(rows, d.accountId, p);
          return change(rows, d.accountId, p, () => ({
            closed_on: d.on,
            notice_on: null,
            closes_on: null,
          }));
        }
        case 'AccountConverted': {
          const d = event.data;
          await ensureRow(rows, d.accountId, p);
          return change(rows, d.accountId, p, () => ({ converted_on: d.on, converted_by: d.by }));
        }
        case 'AccountClosureNoticeSent': {
          const d = event.data;
          await ensureRow(rows, d.accountId, p);
          return change(rows, d.accountId, p, () => ({ notice_on: d.on, closes_on: d.closesOn }));
        }
        case 'InvoiceNoticeSent':
        case 'PaymentReminderSent': {
          const d = event.data;
          const row: Row = (await rows.get(DUNNING, [d.invoiceId])) ?? {
            invoice_id: d.invoiceId,
            customer_id: d.customerId,
            number: d.number,
            notice_on: null,
            reminders: 0,
            last_reminder_on: null,
            last_position: p,
          };
          rows.put(DUNNING, {
            ...row,
            ...(event.type === 'InvoiceNoticeSent'
              ? { notice_on: d.on }
              : { reminders: event.data.rank, last_reminder_on: d.on }),
            last_position: p,
          });
          return;
        }
      }
    },
  });

function suspensions(rows: Rows, accountId: string): Promise<Row[]> {
  return rows.select(SUSPENSIONS, {
    where: [{ column: 'account_id', op: '=', value: accountId }],
  });
}

/** An account seen first through a later event (Gloux ingestion): a row to hold its state. */
async function ensureRow(rows: Rows, accountId: string, position: number): Promise<void> {
  if (await rows.get(ACCOUNTS, [accountId])) return;
  rows.put(ACCOUNTS, {
    account_id: accountId,
    customer_id: '',
    name: '',
    status: 'active',
    opened_on: null,
    trial_ends_on: null,
    converted_on: null,
    converted_by: null,
    notice_on: null,
    closes_on: null,
    closed_on: null,
    last_position: position,
  });
}

/** Applies `columns` to the account, then its status from what is left (closed, suspended). */
async function change(
  rows: Rows,
  accountId: string,
  position: number,
  columns: () => Row,
): Promise<void> {
  const suspended = (await suspensions(rows, accountId)).length > 0;
  await rows.update(ACCOUNTS, [accountId], (r) => {
    const next = { ...r, ...columns() };
    return {
      ...next,
      status: next['closed_on'] !== null ? 'closed' : suspended ? 'suspended' : 'active',
      last_position: position,
    };
  });
}
