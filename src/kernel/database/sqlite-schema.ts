/**
 * Translates Gloux's MySQL schema.sql into SQLite tables with the same names, columns,
 * defaults and keys, for the embedded mode (no Gloux database there). The vendored schema
 * stays the single source: a column added there appears here without code changes.
 *
 * Deliberately small: it understands exactly the subset of MySQL DDL that schema.sql uses
 * (CREATE TABLE with column definitions, PRIMARY/UNIQUE/plain KEYs, table options) and
 * throws on anything else, so a new construct is noticed rather than silently dropped.
 */

/** Removes `-- …` comments outside quoted strings. */
function stripComments(sql: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      out += ch;
      if (ch === '\\') out += sql[++i] ?? '';
      else if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
      out += ch;
    } else if (ch === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      out += '\n';
    } else {
      out += ch;
    }
  }
  return out;
}

/** Splits on commas at parenthesis depth 0, outside quotes. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quote) {
      if (ch === '\\') {
        current += ch + (body[++i] ?? '');
        continue;
      }
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

const ident = (s: string) => `"${s.replace(/`/g, '')}"`;
const columnList = (cols: string) =>
  cols
    .split(',')
    .map((c) => ident(c.trim()))
    .join(', ');

interface Column {
  name: string;
  sql: string;
  autoIncrement: boolean;
}

function translateColumn(def: string): Column {
  const m = /^(`[^`]+`|\w+)\s+(\w+)(\([^)]*\))?(.*)$/s.exec(def);
  if (!m) throw new Error(`Unsupported column definition in Gloux schema: ${def}`);
  const name = m[1]!.replace(/`/g, '');
  const type = m[2]!.toLowerCase();
  let rest = m[4] ?? '';
  const autoIncrement = /auto_increment/i.test(rest);
  const numeric = /int$|^(float|double|decimal)$/.test(type);
  let affinity: string;
  if (/int$/.test(type)) affinity = 'INTEGER';
  else if (['float', 'double', 'decimal'].includes(type)) affinity = 'REAL';
  else if (
    [
      'varchar',
      'char',
      'text',
      'enum',
      'set',
      'date',
      'datetime',
      'timestamp',
      'varbinary',
    ].includes(type)
  )
    affinity = 'TEXT';
  else throw new Error(`Unsupported column type in Gloux schema: ${type}`);
  rest = rest
    .replace(/\b(unsigned|zerofill|auto_increment)\b/gi, '')
    .replace(/\bon update CURRENT_TIMESTAMP\b/gi, '')
    .replace(/\bPRIMARY KEY\b/gi, '');
  const notNull = /\bNOT NULL\b/i.test(rest);
  const defaultMatch = /\bdefault\s+('(?:[^'\\]|\\.)*'|NULL|CURRENT_TIMESTAMP|-?[\d.]+)/i.exec(
    rest,
  );
  let sql = `${ident(name)} ${affinity}`;
  if (notNull) sql += ' NOT NULL';
  if (defaultMatch) {
    sql += ` DEFAULT ${/^CURRENT_TIMESTAMP$/i.test(defaultMatch[1]!) ? 'CURRENT_TIMESTAMP' : defaultMatch[1]}`;
  } else if (notNull && !autoIncrement) {
    // MySQL with sql_mode='' fills an omitted NOT NULL column with its type's empty value.
    sql += numeric ? ' DEFAULT 0' : " DEFAULT ''";
  }
  return { name, sql, autoIncrement };
}

export function glouxSchemaToSqlite(schemaSql: string): string[] {
  const statements: string[] = [];
  const createTable = /CREATE TABLE\s+(IF NOT EXISTS\s+)?(`?\w+`?)\s*\(/gi;
  const sql = stripComments(schemaSql);
  let match: RegExpExecArray | null;
  while ((match = createTable.exec(sql))) {
    const table = match[2]!.replace(/`/g, '');
    // The body runs to the parenthesis that closes the one opened after the name.
    let depth = 1;
    let i = createTable.lastIndex;
    for (; i < sql.length && depth > 0; i++) {
      if (sql[i] === '(') depth++;
      else if (sql[i] === ')') depth--;
    }
    const body = sql.slice(createTable.lastIndex, i - 1);
    createTable.lastIndex = i;

    const columns: Column[] = [];
    const indexes: string[] = [];
    let primaryKey: string | null = null;
    for (const part of splitTopLevel(body)) {
      let m: RegExpExecArray | null;
      if ((m = /^PRIMARY KEY\s*\(([^)]+)\)$/i.exec(part))) primaryKey = m[1]!;
      else if ((m = /^UNIQUE KEY\s*(`?\w+`?)?\s*\(([^)]+)\)$/i.exec(part))) {
        const name = (m[1] ?? m[2]!.split(',')[0]!).replace(/`/g, '').trim();
        indexes.push(
          `CREATE UNIQUE INDEX IF NOT EXISTS ${ident(`${table}_${name}`)} ON ${ident(table)} (${columnList(m[2]!)})`,
        );
      } else if ((m = /^KEY\s+(`?\w+`?)\s*\(([^)]+)\)$/i.exec(part))) {
        const name = m[1]!.replace(/`/g, '');
        indexes.push(
          `CREATE INDEX IF NOT EXISTS ${ident(`${table}_${name}`)} ON ${ident(table)} (${columnList(m[2]!)})`,
        );
      } else {
        const column = translateColumn(part);
        if (/\bPRIMARY KEY\b/i.test(part)) primaryKey = column.name;
        columns.push(column);
      }
    }
    const defs = columns.map((c) => {
      // SQLite's rowid alias is its auto-increment: INTEGER PRIMARY KEY AUTOINCREMENT.
      if (c.autoIncrement && primaryKey?.replace(/`/g, '').trim() === c.name) {
        return `${ident(c.name)} INTEGER PRIMARY KEY AUTOINCREMENT`;
      }
      return c.sql;
    });
    const auto = columns.some(
      (c) => c.autoIncrement && primaryKey?.replace(/`/g, '').trim() === c.name,
    );
    if (primaryKey && !auto) defs.push(`PRIMARY KEY (${columnList(primaryKey)})`);
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${ident(table)} (\n  ${defs.join(',\n  ')}\n)`,
      ...indexes,
    );
  }
  if (statements.length === 0) throw new Error('No CREATE TABLE found in the Gloux schema');
  return statements;
}
