import type { BankEvent } from '../../domain/bank/events.js';
import { defineProjection, noMemo } from '../../src/kernel/projection.js';
import { toCents } from '../../domain/shared/cents.js';

/** Deposit slips, imported bank lines and confirmed matches (see migration 850). */
export const bankProjection = () =>
  defineProjection<BankEvent>({
    name: 'bank',
    tables: [
      { name: 'g2_rm_deposit_slips', key: ['slip_id'] },
      { name: 'g2_rm_deposit_slip_cheques', key: ['slip_id', 'payment_id'] },
      { name: 'g2_rm_bank_imports', key: ['import_id'] },
      { name: 'g2_rm_bank_lines', key: ['line_id'] },
      { name: 'g2_rm_bank_matches', key: ['match_id'] },
      { name: 'g2_rm_bank_balances', key: ['account', 'kind', 'on_day', 'amount_cents'] },
      { name: 'g2_rm_bank_bookings', key: ['booking_id'] },
    ],
    handles: {
      DepositSlipIssued: true,
      DepositSlipCancelled: true,
      BankStatementImported: true,
      BankBalancesStated: true,
      BankLineMatched: true,
      BankLineUnmatched: true,
      BankLineBooked: true,
    },
    memo: noMemo,
    async apply(rows, event) {
      switch (event.type) {
        case 'DepositSlipIssued': {
          const d = event.data;
          rows.put('g2_rm_deposit_slips', {
            slip_id: d.slipId,
            number: d.number,
            deposit_on: d.depositOn,
            cheque_count: d.cheques.length,
            total_cents: toCents(d.total),
            status: 'active',
            cancelled_on: null,
            cancel_reason: null,
            position: event.position,
          });
          d.cheques.forEach((c, seq) =>
            rows.put('g2_rm_deposit_slip_cheques', {
              slip_id: d.slipId,
              payment_id: c.paymentId,
              seq,
              customer_id: c.customerId,
              amount_cents: toCents(c.amount),
              received_on: c.receivedOn,
              reference: c.reference.slice(0, 64),
              bank: c.bank.slice(0, 64),
            }),
          );
          return;
        }
        case 'DepositSlipCancelled': {
          const d = event.data;
          await rows.update('g2_rm_deposit_slips', [d.slipId], () => ({
            status: 'cancelled',
            cancelled_on: d.on,
            cancel_reason: d.reason,
          }));
          return;
        }
        case 'BankStatementImported': {
          const d = event.data;
          rows.put('g2_rm_bank_imports', {
            import_id: d.importId,
            account: d.account,
            format: d.format,
            file_name: d.fileName.slice(0, 255),
            file_hash: d.fileHash,
            imported_on: d.importedOn,
            line_count: d.lines.length,
            skipped: d.skipped,
            position: event.position,
          });
          for (const l of d.lines)
            rows.put('g2_rm_bank_lines', {
              line_id: l.lineId,
              account: d.account,
              import_id: d.importId,
              booked_on: l.bookedOn,
              value_on: l.valueOn,
              amount_cents: toCents(l.amount),
              label: l.label.slice(0, 255),
              reference: l.reference.slice(0, 128),
              position: event.position,
            });
          return;
        }
        case 'BankBalancesStated': {
          const d = event.data;
          for (const b of d.balances)
            rows.put('g2_rm_bank_balances', {
              account: d.account,
              kind: b.kind,
              on_day: b.on,
              amount_cents: toCents(b.amount),
              format: d.format,
              import_id: d.importId,
              position: event.position,
            });
          return;
        }
        case 'BankLineMatched': {
          const d = event.data;
          rows.put('g2_rm_bank_matches', {
            match_id: d.matchId,
            line_id: d.lineId,
            target_kind: d.target.kind,
            target_key: d.target.kind === 'card_day' ? d.target.day : d.target.slipId,
            slip_number: d.target.kind === 'deposit_slip' ? d.target.number : null,
            line_cents: toCents(d.lineAmount),
            expected_cents: toCents(d.expectedAmount),
            difference_cents: toCents(d.difference),
            matched_on: d.on,
            position: event.position,
          });
          return;
        }
        case 'BankLineBooked': {
          const d = event.data;
          rows.put('g2_rm_bank_bookings', {
            booking_id: d.bookingId,
            line_id: d.lineId,
            kind: d.kind,
            amount_cents: toCents(d.lineAmount),
            on_day: d.on,
            reason: d.reason,
            position: event.position,
          });
          return;
        }
        case 'BankLineUnmatched':
          // A match or a booking: the id is one or the other.
          rows.delete('g2_rm_bank_matches', [event.data.matchId]);
          rows.delete('g2_rm_bank_bookings', [event.data.matchId]);
          return;
      }
    },
  });
