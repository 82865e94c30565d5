import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** The books (docs/accounting.md §7): locked periods, and the Gloux writes moved out of them. */
export const booksTables: TableSpec[] = [
  {
    // A closed fiscal year ('year', '2025') or a declared VAT month ('vat_month', '2025-12').
    name: 'g2_rm_period_locks',
    columns: {
      kind: { kind: 'string(16)' },
      period: { kind: 'string(16)' },
      first_day: { kind: 'day' },
      last_day: { kind: 'day' },
      locked_on: { kind: 'day' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['kind', 'period'],
  },
  {
    // Gloux writes dated in a locked period, taken in on the first open day: the treasurer's list.
    name: 'g2_rm_redated_writes',
    columns: {
      redate_id: { kind: 'string(64)' },
      from_day: { kind: 'day' },
      to_day: { kind: 'day' },
      command_type: { kind: 'string(64)' },
      // JSON: [{type, ref}] of the events moved.
      events: { kind: 'text' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['redate_id'],
    indexes: { position: ['position'] },
  },
];

export class Books1764900002200 implements MigrationInterface {
  name = 'Books1764900002200';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of booksTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...booksTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
