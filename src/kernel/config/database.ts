import type { DatabaseSettings } from '../database/settings.js';
import { ConfigError, raw, text, type Env } from './parse.js';

/** DATABASE_URL (mysql://…) selects MySQL/MariaDB; without it an embedded SQLite file is used. */
export function loadDatabaseSettings(env: Env): DatabaseSettings {
  const url = raw(env, 'DATABASE_URL');
  if (url) {
    if (!/^mysql:\/\//.test(url) && !/^mariadb:\/\//.test(url)) {
      throw new ConfigError(
        'DATABASE_URL',
        `must start with mysql:// (got ${url.split(':')[0]}://…)`,
      );
    }
    return { dialect: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') };
  }
  return { dialect: 'sqlite', sqlitePath: text(env, 'SQLITE_PATH', 'data/gloux2.sqlite') };
}
