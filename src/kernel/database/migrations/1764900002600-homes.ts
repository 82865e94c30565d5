import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/**
 * The homes of the panel: the server errors the admin home counts (not derived from the log,
 * like the card notifications), and the indexes its tiles need so that no tile scans a whole
 * read model per request.
 */
export const homeTables: TableSpec[] = [
  {
    name: 'g2_http_errors',
    columns: {
      id: { kind: 'position' },
      at: { kind: 'timestamp' },
      // The Europe/Paris day: "the errors of the day".
      on_day: { kind: 'day' },
      method: { kind: 'string(8)' },
      // Without the query string: a token or a search must not be kept.
      path: { kind: 'string(255)' },
      message: { kind: 'string(500)' },
    },
    indexes: { day: ['on_day', 'id'] },
  },
];

const homeIndexes = [
  // Unpaid invoices past due.
  { table: 'g2_rm_invoices', name: 'g2_rm_invoices_due', columns: ['kind', 'status', 'due_on'] },
  // Cheques to deposit, card days.
  {
    table: 'g2_rm_payments',
    name: 'g2_rm_payments_method',
    columns: ['method', 'status', 'received_on'],
  },
  // Suspended accounts; accounts closed lately.
  { table: 'g2_rm_accounts', name: 'g2_rm_accounts_status', columns: ['status'] },
  { table: 'g2_rm_accounts', name: 'g2_rm_accounts_closed', columns: ['closed_on'] },
];

export class Homes1764900002600 implements MigrationInterface {
  name = 'Homes1764900002600';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of homeTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
    for (const i of homeIndexes)
      await runner.query(`CREATE INDEX ${i.name} ON ${i.table} (${i.columns.join(', ')})`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const i of homeIndexes)
      await runner.query(
        dialect === 'mysql' ? `DROP INDEX ${i.name} ON ${i.table}` : `DROP INDEX ${i.name}`,
      );
    for (const spec of [...homeTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
