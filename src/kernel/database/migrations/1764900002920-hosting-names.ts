import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/**
 * The hosting foundation (issue 18). `g2_hosting_names`: every name gloux2 has taken (domain,
 * FTP login, site, address, database), claimed in the command's transaction, so two commands
 * never take one; released by the command that gives it up. `g2_hosting_conflicts`: a name
 * Gloux took between the command and the mirror's INSERT (MyISAM shares no transaction with
 * us): the mirror records it here, never overwrites Gloux's row, and the hosting's page shows it.
 */
export const hostingNameTables: TableSpec[] = [
  {
    name: 'g2_hosting_names',
    columns: {
      kind: { kind: 'string(16)' },
      name: { kind: 'string(255)' },
      stream_id: { kind: 'string(64)' },
      claimed_at: { kind: 'timestamp' },
    },
    primaryKey: ['kind', 'name'],
    indexes: { stream: ['stream_id'] },
  },
  {
    name: 'g2_hosting_conflicts',
    columns: {
      id: { kind: 'position' },
      kind: { kind: 'string(16)' },
      name: { kind: 'string(255)' },
      hosting_id: { kind: 'bigint' },
      event_position: { kind: 'bigint' },
      reason: { kind: 'string(32)' },
      detail: { kind: 'text' },
      recorded_at: { kind: 'timestamp' },
    },
    unique: { event: ['event_position', 'kind', 'name'] },
    indexes: { hosting: ['hosting_id'] },
  },
];

export class HostingNames1764900002920 implements MigrationInterface {
  name = 'HostingNames1764900002920';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of hostingNameTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...hostingNameTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
