import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/**
 * Card notifications whose seal failed: anyone can post them, so they are counted on one row
 * per Paris day and address (a bounded number of addresses a day, the rest on address `*`),
 * with the last one's reference, reason and first 2 KiB, instead of a row each.
 */
export const cardForgedTables: TableSpec[] = [
  {
    name: 'g2_card_forged',
    columns: {
      on_day: { kind: 'day' },
      address: { kind: 'string(64)' },
      received: { kind: 'bigint' },
      first_at: { kind: 'timestamp' },
      last_at: { kind: 'timestamp' },
      last_reference: { kind: 'string(12)' },
      last_reason: { kind: 'string(255)' },
      last_raw: { kind: 'text' },
    },
    primaryKey: ['on_day', 'address'],
    indexes: { last: ['last_at'] },
  },
];

export class CardForged1764900002530 implements MigrationInterface {
  name = 'CardForged1764900002530';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of cardForgedTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...cardForgedTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
