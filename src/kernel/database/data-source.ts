import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { migrations } from './migrations/index.js';
import type { DatabaseSettings } from './settings.js';

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
