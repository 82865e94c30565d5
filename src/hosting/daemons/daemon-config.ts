import { createHash, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { HostingService } from '../../kernel/config/hosting.js';
import { identifier, powerDnsConf, powerDnsViewsSql } from './powerdns-config.js';
import {
  PURE_FTPD_BINARY,
  PURE_FTPD_MIN_UID,
  pureFtpdMysqlConf,
  pureFtpdRunSh,
} from './pure-ftpd-config.js';

/**
 * `hosting:daemon-config`: every file the daemons need to serve Gloux's tables with least
 * privilege (issue 18, "CLI contract"), rendered for one database. Pure apart from the
 * generated passwords; the CLI validates, then writes.
 */

export interface DaemonConfigRequest {
  /** Absolute: every file names its siblings by absolute path. */
  readonly out: string;
  readonly listen: string;
  readonly ftpPort: number;
  readonly dnsPort: number;
  readonly pdnsDatabase: string;
  /** '' or an absolute folder prepended to the hostings' folders. */
  readonly rootPrefix: string;
  readonly glouxDatabase: string;
  readonly mysqlHost: string;
  readonly mysqlPort: number;
  readonly suspensionCuts: readonly HostingService[];
}

export interface RenderedFile {
  /** Relative to `out`. */
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

/** A password of 24 letters and digits: nothing to escape in any of the daemons' files. */
export function generatedPassword(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  // 62 symbols: drop the bytes that would bias the draw.
  const out: string[] = [];
  while (out.length < 24)
    for (const b of randomBytes(32)) if (b < 248 && out.length < 24) out.push(alphabet[b % 62]!);
  return out.join('');
}

/**
 * The daemons' MySQL users, one pair per Gloux database (several test databases share one
 * server): `g2ftp_<8 hex>` and `g2dns_<8 hex>`, within MySQL 5.7's 32 characters.
 */
export function daemonUsers(glouxDatabase: string): { ftp: string; dns: string } {
  const tag = createHash('sha256').update(glouxDatabase).digest('hex').slice(0, 8);
  return { ftp: `g2ftp_${tag}`, dns: `g2dns_${tag}` };
}

/** Where a daemon connects from: the loopback spellings, or anywhere for a remote server. */
function userHosts(mysqlHost: string): string[] {
  return ['127.0.0.1', 'localhost', '::1'].includes(mysqlHost) ? ['127.0.0.1', 'localhost'] : ['%'];
}

/** The daemons reach MySQL over TCP (`localhost` would mean the socket to libmysql). */
function tcpHost(mysqlHost: string): string {
  return mysqlHost === 'localhost' ? '127.0.0.1' : mysqlHost;
}

const PDNS_OWN_TABLES = `CREATE TABLE IF NOT EXISTS supermasters (
  ip VARCHAR(64) NOT NULL,
  nameserver VARCHAR(255) NOT NULL,
  account VARCHAR(40) CHARACTER SET 'utf8' NOT NULL,
  PRIMARY KEY (ip, nameserver)
) ENGINE=InnoDB CHARACTER SET 'latin1';
CREATE TABLE IF NOT EXISTS comments (
  id INT AUTO_INCREMENT,
  domain_id INT NOT NULL,
  name VARCHAR(255) NOT NULL,
  type VARCHAR(10) NOT NULL,
  modified_at INT NOT NULL,
  account VARCHAR(40) CHARACTER SET 'utf8' DEFAULT NULL,
  comment TEXT CHARACTER SET 'utf8' NOT NULL,
  PRIMARY KEY (id),
  KEY comments_name_type_idx (name, type),
  KEY comments_order_idx (domain_id, modified_at)
) ENGINE=InnoDB CHARACTER SET 'latin1';
CREATE TABLE IF NOT EXISTS domainmetadata (
  id INT AUTO_INCREMENT,
  domain_id INT NOT NULL,
  kind VARCHAR(32),
  content TEXT,
  PRIMARY KEY (id),
  KEY domainmetadata_idx (domain_id, kind)
) ENGINE=InnoDB CHARACTER SET 'latin1';
CREATE TABLE IF NOT EXISTS cryptokeys (
  id INT AUTO_INCREMENT,
  domain_id INT NOT NULL,
  flags INT NOT NULL,
  active BOOL,
  published BOOL DEFAULT 1,
  content TEXT,
  PRIMARY KEY (id),
  KEY domainidindex (domain_id)
) ENGINE=InnoDB CHARACTER SET 'latin1';
CREATE TABLE IF NOT EXISTS tsigkeys (
  id INT AUTO_INCREMENT,
  name VARCHAR(255),
  algorithm VARCHAR(50),
  secret VARCHAR(255),
  PRIMARY KEY (id),
  UNIQUE KEY namealgoindex (name, algorithm)
) ENGINE=InnoDB CHARACTER SET 'latin1';
`;

function grantsSql(
  r: DaemonConfigRequest,
  users: { ftp: string; dns: string },
  passwords: { ftp: string; dns: string },
): string {
  const g = identifier(r.glouxDatabase, 'glouxDatabase');
  const p = identifier(r.pdnsDatabase, 'pdnsDatabase');
  const lines = [
    `-- The daemons' MySQL users for ${r.glouxDatabase} (rendered by gloux2 hosting:daemon-config).`,
    '-- Column-level SELECT only: a compromised daemon reads no billing table, no clear password.',
    '-- Run as a MySQL administrator: mysql -u root < sql/grants.sql (again after each rendering:',
    '-- the passwords are new each time and written into the daemons’ files).',
  ];
  for (const host of userHosts(r.mysqlHost)) {
    const ftp = `'${users.ftp}'@'${host}'`;
    const dns = `'${users.dns}'@'${host}'`;
    lines.push(
      '',
      `-- pure-ftpd-mysql (pure-ftpd/mysql.conf), from ${host}`,
      `CREATE USER IF NOT EXISTS ${ftp} IDENTIFIED BY '${passwords.ftp}';`,
      `ALTER USER ${ftp} IDENTIFIED BY '${passwords.ftp}';`,
      `GRANT SELECT (id_hebergement, login, mot_de_passe, repertoire, uid, gid, actif) ON ${g}.\`ftp\` TO ${ftp};`,
      `GRANT SELECT (id_hebergement, repertoire, etat) ON ${g}.\`hebergements\` TO ${ftp};`,
      '',
      `-- PowerDNS (pdns/pdns.conf): its own database only; the views read soa/rr as their definer`,
      `CREATE USER IF NOT EXISTS ${dns} IDENTIFIED BY '${passwords.dns}';`,
      `ALTER USER ${dns} IDENTIFIED BY '${passwords.dns}';`,
      `GRANT SELECT ON ${p}.* TO ${dns};`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function readme(r: DaemonConfigRequest, users: { ftp: string; dns: string }): string {
  const cuts = r.suspensionCuts.length ? r.suspensionCuts.join(',') : 'none';
  return `# Daemon configuration for ${r.glouxDatabase}

Rendered by \`npm run cli -- hosting:daemon-config\`. The daemons read Gloux's tables live: a
row gloux2 (or Gloux) commits is served at once. Each daemon has its own MySQL user with
column-level \`SELECT\` only, and starts from these files alone (nothing in \`/etc\`).

| file | what |
| --- | --- |
| \`sql/grants.sql\` | the MySQL users \`${users.ftp}\` (pure-ftpd) and \`${users.dns}\` (PowerDNS) and their grants; the passwords are in the daemons' files |
| \`sql/pdns-views.sql\` | PowerDNS's database \`${r.pdnsDatabase}\`: its own tables and two views over Gloux's \`soa\`/\`rr\` |
| \`pure-ftpd/mysql.conf\` | pure-ftpd-mysql's queries on Gloux's \`ftp\` table |
| \`pure-ftpd/run.sh\` | the full pure-ftpd-mysql command line |
| \`pdns/pdns.conf\` | PowerDNS with the gmysql backend on the views |

## Install

\`\`\`sh
mysql -u root < sql/pdns-views.sql
mysql -u root < sql/grants.sql
\`\`\`

Apply \`grants.sql\` again each time the files are rendered (new passwords).

## FTP: pure-ftpd-mysql on ${r.listen} port ${r.ftpPort}

\`\`\`sh
sh pure-ftpd/run.sh        # foreground, as root; stop it with SIGTERM
\`\`\`

Debian package \`pure-ftpd-mysql\` (\`${PURE_FTPD_BINARY}\`). It runs as root: it chroots
every account into its folder (\`-A\`: a symbolic link out of it cannot be followed) and then
switches to the row's \`uid\`/\`gid\` (the hosting's). Rows with a uid under
${PURE_FTPD_MIN_UID} never log in (\`-u ${PURE_FTPD_MIN_UID}\`): Gloux's hosting uids are above it.
Each login checks that the account and its hosting are active, that the folder has no \`/..\`
and lies under the hosting's folder. Suspension policy rendered: \`SUSPENSION_CUTS=${cuts}\`:
a suspended hosting ${r.suspensionCuts.includes('ftp') ? 'cannot' : 'can still'} log in by FTP;
a closed one never can. Render again after changing it.${
    r.rootPrefix
      ? `\n\nFolders are read under \`${r.rootPrefix}\` (\`--root-prefix\`): \`ftp.repertoire\` = \`/home/a/x\` is served from \`${r.rootPrefix}/home/a/x\`.`
      : ''
  }

## DNS: PowerDNS on ${r.listen} port ${r.dnsPort}

\`\`\`sh
pdns_server --config-dir=${r.out}/pdns
\`\`\`

Debian packages \`pdns-server\` and \`pdns-backend-mysql\`. No cache: a committed record and
its new SOA serial are answered at once.
`;
}

/** Every file, with the passwords it shares between grants.sql and the daemons' files. */
export function renderDaemonConfig(
  r: DaemonConfigRequest,
  passwords = { ftp: generatedPassword(), dns: generatedPassword() },
): readonly RenderedFile[] {
  identifier(r.glouxDatabase, 'glouxDatabase');
  identifier(r.pdnsDatabase, 'pdnsDatabase');
  const users = daemonUsers(r.glouxDatabase);
  const mysqlHost = tcpHost(r.mysqlHost);
  const secret = 0o600;
  return [
    { path: 'README.md', content: readme(r, users), mode: 0o644 },
    { path: 'sql/grants.sql', content: grantsSql(r, users, passwords), mode: secret },
    {
      path: 'sql/pdns-views.sql',
      content: `-- PowerDNS's database over Gloux's soa/rr (rendered by gloux2 hosting:daemon-config).
CREATE DATABASE IF NOT EXISTS ${identifier(r.pdnsDatabase, 'pdnsDatabase')};
USE ${identifier(r.pdnsDatabase, 'pdnsDatabase')};
${PDNS_OWN_TABLES}${powerDnsViewsSql(r.glouxDatabase)}`,
      mode: 0o644,
    },
    {
      path: 'pure-ftpd/mysql.conf',
      content: pureFtpdMysqlConf({
        glouxDatabase: r.glouxDatabase,
        mysqlHost,
        mysqlPort: r.mysqlPort,
        mysqlUser: users.ftp,
        mysqlPassword: passwords.ftp,
        rootPrefix: r.rootPrefix,
        suspendedLosesFtp: r.suspensionCuts.includes('ftp'),
      }),
      mode: secret,
    },
    {
      path: 'pure-ftpd/run.sh',
      content: pureFtpdRunSh({
        mysqlConfPath: `${r.out}/pure-ftpd/mysql.conf`,
        listenAddress: r.listen,
        port: r.ftpPort,
      }),
      mode: 0o700,
    },
    {
      path: 'pdns/pdns.conf',
      content: powerDnsConf({
        glouxDatabase: r.glouxDatabase,
        viewsDatabase: r.pdnsDatabase,
        mysqlHost,
        mysqlPort: r.mysqlPort,
        mysqlUser: users.dns,
        mysqlPassword: passwords.dns,
        listenAddress: r.listen,
        listenPort: r.dnsPort,
        socketDir: `${r.out}/pdns`,
      }),
      mode: secret,
    },
  ];
}

/** The listen address: an IP literal (the daemons bind it as given). */
export function isListenAddress(value: string): boolean {
  return isIP(value) !== 0;
}
