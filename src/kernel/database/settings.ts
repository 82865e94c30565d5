export type Dialect = 'mysql' | 'sqlite';

export interface DatabaseSettings {
  dialect: Dialect;
  /** mysql://user:pass@host:port/db when dialect is mysql. */
  url?: string;
  /** SQLite file path when dialect is sqlite (':memory:' allowed). */
  sqlitePath?: string;
}
