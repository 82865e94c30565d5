import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';
import { readModelTables } from './1764900000001-read-models.js';

/**
 * The allocation rows of one (payment, invoice, line) are kept per day: an allocation Gloux adds
 * later to a payment and invoice that already have rows is dated the day gloux2 sees it, and
 * added to the first rows it kept the first day (docs/accounting.md §2: never rewrite a period
 * already declared). Same columns, `paid_on` joins the primary key. Rows written before keep
 * their day; `projections:rebuild` splits the ones concerned.
 */
const byDay: TableSpec[] = ['g2_rm_payment_lines', 'g2_rm_payment_years'].map((name) => {
  const first = readModelTables.find((t) => t.name === name)!;
  const key = first.primaryKey!;
  return {
    ...first,
    // `kind` came with 1764900000003 (credit and reversals); the treasury's index on paid_on.
    columns: { ...first.columns, kind: { kind: 'string(16)', default: 'payment' } },
    primaryKey: [...key.slice(0, 3), 'paid_on', ...key.slice(3)],
    indexes: { ...first.indexes, paid: ['paid_on'] },
  };
});

export class AllocationRowsByDay1764900002930 implements MigrationInterface {
  name = 'AllocationRowsByDay1764900002930';

  async up(runner: QueryRunner): Promise<void> {
    await rekey(runner, byDay);
  }

  async down(runner: QueryRunner): Promise<void> {
    await rekey(
      runner,
      byDay.map((spec) => ({
        ...spec,
        primaryKey: spec.primaryKey!.filter((c) => c !== 'paid_on'),
      })),
    );
  }
}

async function rekey(runner: QueryRunner, specs: readonly TableSpec[]): Promise<void> {
  const dialect = dialectOf(runner.connection.options.type);
  for (const spec of specs) {
    if (dialect === 'mysql') {
      await runner.query(
        `ALTER TABLE ${spec.name} DROP PRIMARY KEY, ADD PRIMARY KEY (${spec.primaryKey!.join(', ')})`,
      );
      continue;
    }
    // SQLite cannot change a primary key: the table is built again under its name.
    const columns = Object.keys(spec.columns).join(', ');
    await runner.query(`ALTER TABLE ${spec.name} RENAME TO ${spec.name}_was`);
    for (const index of await runner.query(
      `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`,
      [`${spec.name}_was`],
    ))
      await runner.query(`DROP INDEX "${String((index as { name: string }).name)}"`);
    for (const sql of createTable(spec, dialect)) await runner.query(sql);
    await runner.query(
      `INSERT INTO ${spec.name} (${columns}) SELECT ${columns} FROM ${spec.name}_was`,
    );
    await runner.query(`DROP TABLE ${spec.name}_was`);
  }
}
