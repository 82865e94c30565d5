import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/**
 * Card payments (Monetico): what was asked of the bank for each reference, and every
 * notification the bank posted (raw, for audit), with what became of it.
 */
export const cardPaymentTables: TableSpec[] = [
  {
    name: 'g2_card_requests',
    columns: {
      reference: { kind: 'string(12)' },
      invoice_id: { kind: 'string(64)' },
      customer_id: { kind: 'string(20)' },
      amount: { kind: 'cents' },
      texte_libre: { kind: 'string(255)' },
      scheme: { kind: 'string(16)' },
      requested_at: { kind: 'timestamp' },
      // Set once, by the first notification that recorded the payment.
      payment_id: { kind: 'string(64)', nullable: true },
      paid_at: { kind: 'timestamp', nullable: true },
    },
    primaryKey: ['reference'],
    indexes: { invoice: ['invoice_id'] },
  },
  {
    name: 'g2_card_notifications',
    columns: {
      id: { kind: 'position' },
      received_at: { kind: 'timestamp' },
      // Empty when the notification had no well-formed reference.
      reference: { kind: 'string(12)' },
      code_retour: { kind: 'string(32)' },
      mac_valid: { kind: 'int' },
      // received, paid, duplicate, cancelled, ignored_after_paid, or an anomaly (see monetico.service.ts).
      outcome: { kind: 'string(32)' },
      detail: { kind: 'text' },
      // The posted body as received (truncated to 64 KiB), for audit.
      raw: { kind: 'text' },
      payment_id: { kind: 'string(64)', nullable: true },
    },
    indexes: { reference: ['reference'], outcome: ['outcome', 'id'] },
  },
];

export class CardPayments1764900001000 implements MigrationInterface {
  name = 'CardPayments1764900001000';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of cardPaymentTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...cardPaymentTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
