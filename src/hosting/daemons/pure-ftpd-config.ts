import { identifier } from './powerdns-config.js';

/**
 * pure-ftpd-mysql reading Gloux's `ftp` table live (HOSTING.md b.2, verified): the account's
 * crypt hash, uid, gid and folder, behind one guard shared by every query. These functions
 * render what an operator installs and what the tests start the daemon with.
 */

export interface PureFtpdSettings {
  /** Gloux's database, which holds `ftp` and `hebergements`. */
  readonly glouxDatabase: string;
  readonly mysqlHost: string;
  readonly mysqlPort: number;
  readonly mysqlUser: string;
  readonly mysqlPassword: string;
  /** Prepended to `ftp.repertoire` ('' in production; a temporary folder in the tests). */
  readonly rootPrefix: string;
  /** SUSPENSION_CUTS has `ftp`: a suspended hosting cannot log in (a closed one never can). */
  readonly suspendedLosesFtp: boolean;
}

/** The lowest uid a row may log in as (`-u`): never root or a system account. */
export const PURE_FTPD_MIN_UID = 1000;
export const PURE_FTPD_BINARY = '/usr/sbin/pure-ftpd-mysql';

/**
 * The guard (b.2): the account and its hosting are served, the folder has no `/..` and is the
 * hosting's root or under it. Checked by the daemon on every login, whatever wrote the row.
 */
export function pureFtpdGuard(suspendedLosesFtp: boolean): string {
  const served = suspendedLosesFtp ? `h.etat = 'actif'` : `h.etat IN ('actif', 'suspendu')`;
  return (
    `FROM ftp f JOIN hebergements h ON h.id_hebergement = f.id_hebergement ` +
    `WHERE f.login = "\\L" AND f.actif = 'Y' AND ${served} ` +
    `AND LOCATE('/..', f.repertoire) = 0 AND h.repertoire LIKE '/%' ` +
    `AND (f.repertoire = h.repertoire OR LEFT(f.repertoire, CHAR_LENGTH(h.repertoire) + 1) = CONCAT(h.repertoire, '/'))`
  );
}

/** `-l mysql:<this file>`: one `KEY value` a line. */
export function pureFtpdMysqlConf(s: PureFtpdSettings): string {
  identifier(s.glouxDatabase, 'glouxDatabase');
  for (const [key, value] of Object.entries({
    mysqlHost: s.mysqlHost,
    mysqlUser: s.mysqlUser,
    mysqlPassword: s.mysqlPassword,
  }))
    if (!/^[A-Za-z0-9._:-]+$/.test(value)) throw new Error(`${key} must be one plain word`);
  if (s.rootPrefix !== '' && !/^(?:\/[A-Za-z0-9._-]+)+$/.test(s.rootPrefix))
    throw new Error('rootPrefix must be an absolute folder of letters, digits, ., _ and -');
  const where = pureFtpdGuard(s.suspendedLosesFtp);
  const dir = s.rootPrefix === '' ? 'f.repertoire' : `CONCAT('${s.rootPrefix}', f.repertoire)`;
  return [
    '# pure-ftpd-mysql: accounts from Gloux’s `ftp` table (rendered by gloux2 hosting:daemon-config).',
    `MYSQLServer ${s.mysqlHost}`,
    `MYSQLPort ${s.mysqlPort}`,
    `MYSQLUser ${s.mysqlUser}`,
    `MYSQLPassword ${s.mysqlPassword}`,
    `MYSQLDatabase ${s.glouxDatabase}`,
    // crypt(3): Gloux's DES and $1$ rows and gloux2's $5$ ones alike.
    'MYSQLCrypt crypt',
    `MYSQLGetPW SELECT f.mot_de_passe ${where}`,
    `MYSQLGetUID SELECT f.uid ${where}`,
    `MYSQLGetGID SELECT f.gid ${where}`,
    `MYSQLGetDir SELECT ${dir} ${where}`,
    '',
  ].join('\n');
}

/** A word for sh, single-quoted. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface PureFtpdRunSettings {
  readonly mysqlConfPath: string;
  readonly listenAddress: string;
  readonly port: number;
}

/**
 * run.sh: the whole command line, in the foreground (stop it with SIGTERM to its pid). It runs
 * as root: pure-ftpd chroots every account (`-A`) into its folder and then switches to the row's
 * uid/gid, refusing uids under PURE_FTPD_MIN_UID (`-u`). No anonymous access (`-E`), no reverse
 * DNS (`-H`), passive ports 30000-30099 on the listen address.
 */
export function pureFtpdRunSh(s: PureFtpdRunSettings): string {
  const args = [
    '-l',
    `mysql:${s.mysqlConfPath}`,
    '-S',
    `${s.listenAddress},${s.port}`,
    '-A',
    '-E',
    '-H',
    '-u',
    String(PURE_FTPD_MIN_UID),
    '-p',
    '30000:30099',
  ];
  // Passive replies name the address a client reached, unless it listens on every interface.
  if (/^\d+\.\d+\.\d+\.\d+$/.test(s.listenAddress) && s.listenAddress !== '0.0.0.0')
    args.push('-P', s.listenAddress);
  return [
    '#!/bin/sh',
    '# pure-ftpd-mysql on Gloux’s `ftp` table (rendered by gloux2 hosting:daemon-config).',
    '# Runs in the foreground as root; extra arguments are passed on (e.g. -d for verbose logs).',
    `exec ${PURE_FTPD_BINARY} ${args.map(shellQuote).join(' ')} "$@"`,
    '',
  ].join('\n');
}
