import type { MigrationInterface, QueryRunner } from 'typeorm';
import { columnDefinition, dialectOf, type TableSpec } from '../ddl.js';

/**
 * The window of MONETICO_FORGED_MAX_PER_IP on the address's row of g2_card_forged, so the limit
 * holds across app instances (it was counted in each process's memory). An empty start is a
 * window long over.
 */
const added: { column: string; spec: TableSpec['columns'][string] }[] = [
  { column: 'window_start', spec: { kind: 'timestamp', default: '' } },
  { column: 'window_count', spec: { kind: 'bigint', default: 0 } },
];

export class CardForgedWindow1764900002700 implements MigrationInterface {
  name = 'CardForgedWindow1764900002700';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const { column, spec } of added)
      await runner.query(
        `ALTER TABLE g2_card_forged ADD COLUMN ${columnDefinition(column, spec, dialect)}`,
      );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const { column } of [...added].reverse())
      await runner.query(`ALTER TABLE g2_card_forged DROP COLUMN ${column}`);
  }
}
