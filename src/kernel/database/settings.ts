export type Dialect = 'mysql' | 'sqlite';

export interface DatabaseSettings {
  dialect: Dialect;
  /** mysql://user:pass@host:port/db when dialect is mysql. */
  url?: string;
  /** SQLite file path when dialect is sqlite (':memory:' allowed). */
  sqlitePath?: string;
}

/** DATABASE_URL (mysql://…) selects MySQL/MariaDB; without it an embedded SQLite file is used. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseSettings {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^mysql:\/\//.test(url) && !/^mariadb:\/\//.test(url)) {
      throw new Error(`DATABASE_URL must start with mysql:// (got ${url.split(':')[0]}://…)`);
    }
    return { dialect: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') };
  }
  return { dialect: 'sqlite', sqlitePath: env.SQLITE_PATH?.trim() || 'data/gloux2.sqlite' };
}
