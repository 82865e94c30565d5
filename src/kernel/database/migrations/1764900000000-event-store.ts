import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** The event log and what the command pipeline needs around it. Reviewed: additive g2_ tables only. */
export const eventStoreTables: TableSpec[] = [
  {
    name: 'g2_events',
    columns: {
      position: { kind: 'position' },
      stream_id: { kind: 'string(191)' },
      stream_version: { kind: 'int' },
      type: { kind: 'string(100)' },
      data: { kind: 'text' },
      metadata: { kind: 'text' },
      source: { kind: 'string(10)', default: 'g2' },
      recorded_at: { kind: 'timestamp' },
    },
    unique: { stream_version: ['stream_id', 'stream_version'] },
    indexes: { type: ['type'] },
  },
  {
    // One row; appends lock it so positions become visible in order (no reader ever skips one).
    name: 'g2_append_lock',
    columns: { id: { kind: 'int' }, last_position: { kind: 'bigint', default: 0 } },
    primaryKey: ['id'],
  },
  {
    name: 'g2_commands',
    columns: {
      idempotency_key: { kind: 'string(191)' },
      command_type: { kind: 'string(100)' },
      request_hash: { kind: 'string(64)' },
      result: { kind: 'text' },
      first_position: { kind: 'bigint', nullable: true },
      last_position: { kind: 'bigint', nullable: true },
      recorded_at: { kind: 'timestamp' },
    },
    primaryKey: ['idempotency_key'],
  },
  {
    name: 'g2_checkpoints',
    columns: {
      name: { kind: 'string(100)' },
      position: { kind: 'bigint', default: 0 },
      updated_at: { kind: 'timestamp' },
    },
    primaryKey: ['name'],
  },
  {
    // A number drawn from Gloux's counter that could not be used: recorded, explained, never reused.
    name: 'g2_number_gaps',
    columns: {
      id: { kind: 'position' },
      counter: { kind: 'string(32)' },
      value: { kind: 'bigint' },
      number: { kind: 'string(32)' },
      drawn_at: { kind: 'timestamp' },
      reason: { kind: 'text' },
    },
  },
];

export class EventStore1764900000000 implements MigrationInterface {
  name = 'EventStore1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of eventStoreTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
    await runner.query(`INSERT INTO g2_append_lock (id, last_position) VALUES (1, 0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...eventStoreTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
