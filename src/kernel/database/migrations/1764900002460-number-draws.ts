import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/**
 * Draws from Gloux's counters in progress (src/kernel/event-store/number-gaps.ts): a row per
 * draw, from before the counter moves until the number is on a document or a recorded gap, so a
 * number drawn by a process killed meanwhile is recorded as a gap at the next start.
 */
export const numberDrawTables: TableSpec[] = [
  {
    name: 'g2_number_draws',
    columns: {
      id: { kind: 'position' },
      counter: { kind: 'string(32)' },
      /** The counter's value just before the draw: the number drawn is above it. */
      floor_value: { kind: 'bigint' },
      value: { kind: 'bigint', nullable: true },
      /** Who draws: a MariaDB connection ('conn:<id>') or a process of this host ('pid:<host>:<pid>'). */
      holder: { kind: 'string(191)' },
      started_at: { kind: 'timestamp' },
    },
    indexes: { counter_value: ['counter', 'value'] },
  },
];

export class NumberDraws1764900002460 implements MigrationInterface {
  name = 'NumberDraws1764900002460';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of numberDrawTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...numberDrawTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
