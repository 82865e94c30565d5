import type { MigrationInterface, QueryRunner } from 'typeorm';
import { columnDefinition, dialectOf, type TableSpec } from '../ddl.js';

/**
 * The convocation's time, place and agenda (AssemblyConvocationDetailed): null for an assembly
 * convened before they were recorded.
 */
const added: { table: string; column: string; spec: TableSpec['columns'][string] }[] = [
  { table: 'g2_rm_assemblies', column: 'starts_at', spec: { kind: 'string(5)', nullable: true } },
  { table: 'g2_rm_assemblies', column: 'place', spec: { kind: 'string(300)', nullable: true } },
  // JSON [{resolutionId, title}], in the agenda's order.
  { table: 'g2_rm_assemblies', column: 'agenda', spec: { kind: 'text', nullable: true } },
  {
    table: 'g2_rm_assembly_resolutions',
    column: 'title',
    spec: { kind: 'string(200)', nullable: true },
  },
];

export class AssemblyConvocation1764900002800 implements MigrationInterface {
  name = 'AssemblyConvocation1764900002800';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const a of added)
      await runner.query(
        `ALTER TABLE ${a.table} ADD COLUMN ${columnDefinition(a.column, a.spec, dialect)}`,
      );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const a of [...added].reverse())
      await runner.query(`ALTER TABLE ${a.table} DROP COLUMN ${a.column}`);
  }
}
