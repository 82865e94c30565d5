import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from './src/database/migrations/index.js';

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

export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  const common = {
    migrations,
    migrationsTableName: 'g2_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
  } as const;
  if (settings.dialect === 'mysql') {
    return {
      ...common,
      type: 'mysql',
      url: settings.url,
      // utf8mb4 for g2_ tables; Gloux's latin1 text goes through legacy-sync/legacy-text.ts.
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      extra: { connectionLimit: 10 },
    };
  }
  const path = settings.sqlitePath ?? 'data/gloux2.sqlite';
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: path,
    enableWAL: path !== ':memory:',
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma('busy_timeout = 5000');
      // 64 MiB of page cache instead of SQLite's 2 MiB: a 20-year cooperative's indexes no
      // longer fit in 2 MiB, and every page read past it is a system call.
      db.pragma('cache_size = -65536');
    },
  };
}

/** Used by the TypeORM CLI (`npx typeorm migration:show -d dist/ormconfig.js`). */
export default new DataSource(dataSourceOptions(settingsFromEnv()));
