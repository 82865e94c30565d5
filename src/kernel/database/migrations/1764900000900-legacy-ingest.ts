import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** Gloux → gloux2 ingestion: what was imported from Gloux, and what could not be. */
export const legacyIngestTables: TableSpec[] = [
  {
    // One row per Gloux row gloux2 imported (its own writes are in g2_legacy_map only).
    // fingerprint: Gloux's mutable state as last reconciled (a payment's etat and allocations).
    name: 'g2_legacy_ingested',
    columns: {
      source_table: { kind: 'string(20)' },
      legacy_id: { kind: 'bigint' },
      g2_id: { kind: 'string(64)' },
      fingerprint: { kind: 'string(191)', default: '' },
      ingested_at: { kind: 'timestamp' },
    },
    primaryKey: ['source_table', 'legacy_id'],
  },
  {
    // What could not be imported, or only in part, and why (import report). A blocking issue
    // keeps the row out of later polls until `legacy:backfill --retry`.
    name: 'g2_legacy_issues',
    columns: {
      source_table: { kind: 'string(20)' },
      legacy_id: { kind: 'bigint' },
      code: { kind: 'string(40)' },
      message: { kind: 'text' },
      blocking: { kind: 'int', default: 0 },
      first_seen: { kind: 'timestamp' },
      last_seen: { kind: 'timestamp' },
    },
    primaryKey: ['source_table', 'legacy_id', 'code'],
  },
];

export class LegacyIngest1764900000900 implements MigrationInterface {
  name = 'LegacyIngest1764900000900';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of legacyIngestTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...legacyIngestTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
