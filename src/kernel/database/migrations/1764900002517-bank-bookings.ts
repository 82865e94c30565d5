import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** Bank lines the treasurer booked (fees, internal transfer) or ignored (BankLineBooked). */
export const bankBookingTables: TableSpec[] = [
  {
    // Bookings in force (an undone one is deleted here; the log keeps it).
    name: 'g2_rm_bank_bookings',
    columns: {
      booking_id: { kind: 'string(64)' },
      line_id: { kind: 'string(64)' },
      kind: { kind: 'string(32)' },
      amount_cents: { kind: 'cents' },
      on_day: { kind: 'day' },
      reason: { kind: 'string(255)' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['booking_id'],
    unique: { line: ['line_id'] },
  },
];

export class BankBookings1764900002517 implements MigrationInterface {
  name = 'BankBookings1764900002517';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of bankBookingTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...bankBookingTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
