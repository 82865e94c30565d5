import {
  isAccountEvent,
  isDunningEvent,
  type AccountEvent,
  type DunningEvent,
} from '../../domain/accounts/events.js';
import type { Tx } from '../../src/kernel/database/db.js';
import type { RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import type { Projection } from '../../src/kernel/projection.js';

/**
 * Hosting accounts (state, trial, conversion, closure notice), their suspension reasons (one row
 * each), and what was sent about each invoice (notice, reminders).
 */
export class AccountsProjection implements Projection {
  readonly name = 'accounts';
  readonly tables = ['g2_rm_accounts', 'g2_rm_account_suspensions', 'g2_rm_dunning'];

  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (isAccountEvent(event)) return this.account(tx, event as unknown as AccountEvent, event);
    if (isDunningEvent(event)) return this.dunning(tx, event as unknown as DunningEvent, event);
  }

  private async account(tx: Tx, e: AccountEvent, event: RecordedEvent): Promise<void> {
    const id = e.data.accountId;
    const p = event.position;
    switch (e.type) {
      case 'AccountOpened': {
        const d = e.data;
        // An event before the opening (ingested out of order) may have created the row.
        await tx.execute(`DELETE FROM g2_rm_accounts WHERE account_id = ? AND customer_id = ''`, [
          id,
        ]);
        await tx.execute(
          `INSERT INTO g2_rm_accounts (account_id, customer_id, name, status, opened_on, trial_ends_on, last_position)
           VALUES (?, ?, ?, 'active', ?, ?, ?)`,
          [id, d.customerId, d.name, d.openedOn, d.trialEndsOn, p],
        );
        return refreshStatus(tx, id, p);
      }
      case 'AccountSuspended': {
        await ensureRow(tx, id, p);
        const d = e.data;
        const [row] = await tx.query(
          `SELECT 1 AS x FROM g2_rm_account_suspensions WHERE account_id = ? AND reason = ?`,
          [id, d.reason],
        );
        if (!row) {
          await tx.execute(
            `INSERT INTO g2_rm_account_suspensions (account_id, reason, note, since, position) VALUES (?, ?, ?, ?, ?)`,
            [id, d.reason, d.note.slice(0, 255), d.on, p],
          );
        }
        return refreshStatus(tx, id, p);
      }
      case 'AccountReactivated': {
        await ensureRow(tx, id, p);
        await tx.execute(
          `DELETE FROM g2_rm_account_suspensions WHERE account_id = ? AND reason = ?`,
          [id, e.data.liftedReason],
        );
        // The notice stands only while a reason leading to closure is left (evolveAccount).
        await tx.execute(
          `UPDATE g2_rm_accounts SET notice_on = NULL, closes_on = NULL
            WHERE account_id = ? AND NOT EXISTS (SELECT 1 FROM g2_rm_account_suspensions s
              WHERE s.account_id = ? AND s.reason IN ('unpaid', 'trial_expired'))`,
          [id, id],
        );
        return refreshStatus(tx, id, p);
      }
      case 'AccountClosed':
        await ensureRow(tx, id, p);
        await tx.execute(
          `UPDATE g2_rm_accounts SET closed_on = ?, notice_on = NULL, closes_on = NULL WHERE account_id = ?`,
          [e.data.on, id],
        );
        return refreshStatus(tx, id, p);
      case 'AccountConverted':
        await ensureRow(tx, id, p);
        await tx.execute(
          `UPDATE g2_rm_accounts SET converted_on = ?, converted_by = ? WHERE account_id = ?`,
          [e.data.on, e.data.by, id],
        );
        return refreshStatus(tx, id, p);
      case 'AccountClosureNoticeSent':
        await ensureRow(tx, id, p);
        await tx.execute(
          `UPDATE g2_rm_accounts SET notice_on = ?, closes_on = ? WHERE account_id = ?`,
          [e.data.on, e.data.closesOn, id],
        );
        return refreshStatus(tx, id, p);
    }
  }

  private async dunning(tx: Tx, e: DunningEvent, event: RecordedEvent): Promise<void> {
    const d = e.data;
    const [row] = await tx.query(`SELECT 1 AS x FROM g2_rm_dunning WHERE invoice_id = ?`, [
      d.invoiceId,
    ]);
    if (!row) {
      await tx.execute(
        `INSERT INTO g2_rm_dunning (invoice_id, customer_id, number, reminders, last_position) VALUES (?, ?, ?, 0, ?)`,
        [d.invoiceId, d.customerId, d.number, event.position],
      );
    }
    switch (e.type) {
      case 'InvoiceNoticeSent':
        await tx.execute(
          `UPDATE g2_rm_dunning SET notice_on = ?, last_position = ? WHERE invoice_id = ?`,
          [d.on, event.position, d.invoiceId],
        );
        return;
      case 'PaymentReminderSent':
        await tx.execute(
          `UPDATE g2_rm_dunning SET reminders = ?, last_reminder_on = ?, last_position = ? WHERE invoice_id = ?`,
          [e.data.rank, d.on, event.position, d.invoiceId],
        );
        return;
    }
  }
}

/** An account seen first through a later event (Gloux ingestion): a row to hold its state. */
async function ensureRow(tx: Tx, accountId: string, position: number): Promise<void> {
  const [row] = await tx.query(`SELECT 1 AS x FROM g2_rm_accounts WHERE account_id = ?`, [
    accountId,
  ]);
  if (!row) {
    await tx.execute(
      `INSERT INTO g2_rm_accounts (account_id, customer_id, name, status, last_position) VALUES (?, '', '', 'active', ?)`,
      [accountId, position],
    );
  }
}

async function refreshStatus(tx: Tx, accountId: string, position: number): Promise<void> {
  await tx.execute(
    `UPDATE g2_rm_accounts
        SET status = CASE WHEN closed_on IS NOT NULL THEN 'closed'
                          WHEN EXISTS (SELECT 1 FROM g2_rm_account_suspensions s WHERE s.account_id = ?) THEN 'suspended'
                          ELSE 'active' END,
            last_position = ?
      WHERE account_id = ?`,
    [accountId, position, accountId],
  );
}
