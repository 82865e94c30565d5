import type { Dialect } from './settings.js';

/** Column kinds used by g2_ tables; one definition gives MySQL (InnoDB/utf8mb4) and SQLite DDL. */
export type ColumnKind =
  | 'position' // auto-increment BIGINT primary key
  | 'bigint'
  | 'int'
  | 'cents' // money as integer cents: exact SUM() on both databases
  | 'day' // 'YYYY-MM-DD'
  | 'timestamp' // 'YYYY-MM-DD HH:MM:SS.mmm' UTC
  | 'text'
  | `string(${number})`;

export interface TableSpec {
  name: string;
  columns: Record<string, { kind: ColumnKind; nullable?: boolean; default?: string | number }>;
  primaryKey?: string[];
  unique?: Record<string, string[]>;
  indexes?: Record<string, string[]>;
}

function columnType(kind: ColumnKind, dialect: Dialect): string {
  if (kind.startsWith('string(')) {
    return dialect === 'mysql' ? `VARCHAR(${kind.slice(7, -1)})` : 'TEXT';
  }
  switch (kind as Exclude<ColumnKind, `string(${number})`>) {
    case 'position':
      return dialect === 'mysql'
        ? 'BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY'
        : 'INTEGER PRIMARY KEY AUTOINCREMENT';
    case 'bigint':
    case 'cents':
      return dialect === 'mysql' ? 'BIGINT' : 'INTEGER';
    case 'int':
      return dialect === 'mysql' ? 'INT' : 'INTEGER';
    case 'day':
      return dialect === 'mysql' ? 'CHAR(10)' : 'TEXT';
    case 'timestamp':
      return dialect === 'mysql' ? 'CHAR(23)' : 'TEXT';
    case 'text':
      return dialect === 'mysql' ? 'LONGTEXT' : 'TEXT';
  }
}

/** One column's definition, for CREATE TABLE and ALTER TABLE … ADD COLUMN. */
export function columnDefinition(
  name: string,
  c: TableSpec['columns'][string],
  dialect: Dialect,
): string {
  const id = dialect === 'mysql' ? `\`${name}\`` : `"${name}"`;
  const type = columnType(c.kind, dialect);
  if (c.kind === 'position') return `${id} ${type}`;
  const def =
    c.default === undefined
      ? ''
      : ` DEFAULT ${typeof c.default === 'number' ? c.default : `'${c.default}'`}`;
  return `${id} ${type}${c.nullable ? ' NULL' : ' NOT NULL'}${def}`;
}

export function createTable(spec: TableSpec, dialect: Dialect): string[] {
  const q = (id: string) => (dialect === 'mysql' ? `\`${id}\`` : `"${id}"`);
  const cols = Object.entries(spec.columns).map(([name, c]) => columnDefinition(name, c, dialect));
  if (spec.primaryKey) cols.push(`PRIMARY KEY (${spec.primaryKey.map(q).join(', ')})`);
  const tail =
    dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
  const statements = [`CREATE TABLE ${q(spec.name)} (\n  ${cols.join(',\n  ')}\n)${tail}`];
  for (const [name, columns] of Object.entries(spec.unique ?? {})) {
    statements.push(
      `CREATE UNIQUE INDEX ${q(`${spec.name}_${name}`)} ON ${q(spec.name)} (${columns.map(q).join(', ')})`,
    );
  }
  for (const [name, columns] of Object.entries(spec.indexes ?? {})) {
    statements.push(
      `CREATE INDEX ${q(`${spec.name}_${name}`)} ON ${q(spec.name)} (${columns.map(q).join(', ')})`,
    );
  }
  return statements;
}

export function dialectOf(type: string): Dialect {
  return type === 'mysql' || type === 'mariadb' ? 'mysql' : 'sqlite';
}
