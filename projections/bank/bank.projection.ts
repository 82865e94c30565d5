import { isBankEvent, type BankEvent } from '../../domain/bank/events.js';
import type { Tx } from '../../src/kernel/database/db.js';
import type { RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import { type Projection } from '../../src/kernel/projection.js';
import { toCents } from '../../domain/shared/cents.js';

/** Deposit slips, imported bank lines and confirmed matches (see migration 850). */
export class BankProjection implements Projection {
  readonly name = 'bank';
  readonly tables = [
    'g2_rm_deposit_slips',
    'g2_rm_deposit_slip_cheques',
    'g2_rm_bank_imports',
    'g2_rm_bank_lines',
    'g2_rm_bank_matches',
    'g2_rm_bank_balances',
  ];

  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (!isBankEvent(event)) return;
    const e = event as unknown as BankEvent;
    switch (e.type) {
      case 'DepositSlipIssued': {
        const d = e.data;
        await tx.execute(
          `INSERT INTO g2_rm_deposit_slips (slip_id, number, deposit_on, cheque_count, total_cents, status, cancelled_on, cancel_reason, position) VALUES (?, ?, ?, ?, ?, 'active', NULL, NULL, ?)`,
          [d.slipId, d.number, d.depositOn, d.cheques.length, toCents(d.total), event.position],
        );
        let seq = 0;
        for (const c of d.cheques)
          await tx.execute(
            `INSERT INTO g2_rm_deposit_slip_cheques (slip_id, payment_id, seq, customer_id, amount_cents, received_on, reference, bank) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            [
              d.slipId,
              c.paymentId,
              seq++,
              c.customerId,
              toCents(c.amount),
              c.receivedOn,
              c.reference.slice(0, 64),
              c.bank.slice(0, 64),
            ],
          );
        return;
      }
      case 'DepositSlipCancelled':
        await tx.execute(
          `UPDATE g2_rm_deposit_slips SET status = 'cancelled', cancelled_on = ?, cancel_reason = ? WHERE slip_id = ?`,
          [e.data.on, e.data.reason, e.data.slipId],
        );
        return;
      case 'BankStatementImported': {
        const d = e.data;
        await tx.execute(
          `INSERT INTO g2_rm_bank_imports (import_id, account, format, file_name, file_hash, imported_on, line_count, skipped, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            d.importId,
            d.account,
            d.format,
            d.fileName.slice(0, 255),
            d.fileHash,
            d.importedOn,
            d.lines.length,
            d.skipped,
            event.position,
          ],
        );
        for (const l of d.lines)
          await tx.execute(
            `INSERT INTO g2_rm_bank_lines (line_id, account, import_id, booked_on, value_on, amount_cents, label, reference, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [
              l.lineId,
              d.account,
              d.importId,
              l.bookedOn,
              l.valueOn,
              toCents(l.amount),
              l.label.slice(0, 255),
              l.reference.slice(0, 128),
              event.position,
            ],
          );
        return;
      }
      case 'BankBalancesStated': {
        const d = e.data;
        for (const b of d.balances)
          await tx.execute(
            `INSERT INTO g2_rm_bank_balances (account, kind, on_day, amount_cents, format, import_id, position) VALUES (?, ?, ?, ?, ?, ?, ?)`,
            [d.account, b.kind, b.on, toCents(b.amount), d.format, d.importId, event.position],
          );
        return;
      }
      case 'BankLineMatched': {
        const d = e.data;
        const key = d.target.kind === 'card_day' ? d.target.day : d.target.slipId;
        await tx.execute(
          `INSERT INTO g2_rm_bank_matches (match_id, line_id, target_kind, target_key, slip_number, line_cents, expected_cents, difference_cents, matched_on, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            d.matchId,
            d.lineId,
            d.target.kind,
            key,
            d.target.kind === 'deposit_slip' ? d.target.number : null,
            toCents(d.lineAmount),
            toCents(d.expectedAmount),
            toCents(d.difference),
            d.on,
            event.position,
          ],
        );
        return;
      }
      case 'BankLineUnmatched':
        await tx.execute(`DELETE FROM g2_rm_bank_matches WHERE match_id = ?`, [e.data.matchId]);
        return;
    }
  }
}
