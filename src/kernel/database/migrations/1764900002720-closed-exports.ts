import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/**
 * The export of a closed fiscal year as its closing produced it (docs/fec.md): written once by
 * the closing act, in its transaction, and served as is afterwards. Not a read model: a rebuild
 * or a later code change must not alter a year the accountant has already taken in.
 */
export const closedExportTables: TableSpec[] = [
  {
    name: 'g2_closed_exports',
    columns: {
      fiscal_year: { kind: 'int' },
      closing_id: { kind: 'string(64)' },
      file_name: { kind: 'string(128)' },
      // The file's bytes (ISO-8859-15), base64.
      content: { kind: 'text' },
      // JSON: the export's summary at the closing (entries, totals per account and journal).
      summary: { kind: 'text' },
      recorded_at: { kind: 'timestamp' },
    },
    primaryKey: ['fiscal_year'],
  },
];

export class ClosedExports1764900002720 implements MigrationInterface {
  name = 'ClosedExports1764900002720';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of closedExportTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...closedExportTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
