import { createHash, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { HostingService } from '../../kernel/config/hosting.js';
import { dovecotConf, dovecotSqlConf, DOVECOT_BINARY } from './dovecot-config.js';
import { postfixMainCf, postfixMaps } from './postfix-config.js';
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
  readonly pop3Port: number;
  readonly imapPort: number;
  /** Every box's maildir lies under it (`/var/mail`); `rootPrefix` is prepended when served. */
  readonly mailRoot: string;
  /** The uid/gid Dovecot runs every box as (the owner of the mail root). */
  readonly mailUid: number;
  readonly mailGid: number;
  /** Dovecot's LMTP socket, where Postfix delivers. */
  readonly lmtpSocket: string;
  /** Dovecot's base_dir and state_dir; its log (`syslog` or a file). */
  readonly dovecotRunDir: string;
  readonly dovecotStateDir: string;
  readonly dovecotLog: string;
  /** Both or neither: POP3/IMAP then require STARTTLS before a password. */
  readonly tlsCert: string | null;
  readonly tlsKey: string | null;
}

export interface RenderedFile {
  /** Relative to `out`. */
  readonly path: string;
  readonly content: string;
  readonly mode: number;
  /**
   * The group that must read it (the daemon drops root before reading its SQL file): the CLI
   * gives the file to it when the group exists and it runs as root.
   */
  readonly group?: 'dovecot' | 'postfix';
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

export interface DaemonUsers {
  readonly ftp: string;
  readonly dns: string;
  readonly dovecot: string;
  readonly postfix: string;
}

export type DaemonPasswords = { readonly [K in keyof DaemonUsers]: string };

/**
 * The daemons' MySQL users, one set per Gloux database (several test databases share one
 * server): `g2ftp_<8 hex>`, `g2dns_…`, `g2dove_…`, `g2pfix_…`, within MySQL 5.7's 32 characters.
 */
export function daemonUsers(glouxDatabase: string): DaemonUsers {
  const tag = createHash('sha256').update(glouxDatabase).digest('hex').slice(0, 8);
  return {
    ftp: `g2ftp_${tag}`,
    dns: `g2dns_${tag}`,
    dovecot: `g2dove_${tag}`,
    postfix: `g2pfix_${tag}`,
  };
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

function grantsSql(r: DaemonConfigRequest, users: DaemonUsers, passwords: DaemonPasswords): string {
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
    const dovecot = `'${users.dovecot}'@'${host}'`;
    const postfix = `'${users.postfix}'@'${host}'`;
    const served = [
      `GRANT SELECT (id_hebergement, etat) ON ${g}.\`hebergements\``,
      `GRANT SELECT (id_mail) ON ${g}.\`g2_mailbox_deletions\``,
    ];
    lines.push(
      '',
      `-- Dovecot (dovecot/dovecot-sql.conf.ext), from ${host}`,
      `CREATE USER IF NOT EXISTS ${dovecot} IDENTIFIED BY '${passwords.dovecot}';`,
      `ALTER USER ${dovecot} IDENTIFIED BY '${passwords.dovecot}';`,
      `GRANT SELECT (id_mail, id_hebergement, adresse, mot_de_passe, maildir, quota_mo, pop, imap, actif) ON ${g}.\`mails\` TO ${dovecot};`,
      ...served.map((grant) => `${grant} TO ${dovecot};`),
      '',
      `-- Postfix (postfix/*.cf): no password column`,
      `CREATE USER IF NOT EXISTS ${postfix} IDENTIFIED BY '${passwords.postfix}';`,
      `ALTER USER ${postfix} IDENTIFIED BY '${passwords.postfix}';`,
      `GRANT SELECT (id_mail, id_hebergement, adresse, maildir, actif) ON ${g}.\`mails\` TO ${postfix};`,
      `GRANT SELECT (id_hebergement, source, destinations, garder_copie, actif) ON ${g}.\`mails_redirections\` TO ${postfix};`,
      `GRANT SELECT (id_hebergement, domaine, gere_mx) ON ${g}.\`domaines\` TO ${postfix};`,
      ...served.map((grant) => `${grant} TO ${postfix};`),
    );
  }
  return `${lines.join('\n')}\n`;
}

function readme(r: DaemonConfigRequest, users: DaemonUsers): string {
  const cuts = r.suspensionCuts.length ? r.suspensionCuts.join(',') : 'none';
  return `# Daemon configuration for ${r.glouxDatabase}

Rendered by \`npm run cli -- hosting:daemon-config\`. The daemons read Gloux's tables live: a
row gloux2 (or Gloux) commits is served at once. Each daemon has its own MySQL user with
column-level \`SELECT\` only, and starts from these files alone (nothing in \`/etc\`).

| file | what |
| --- | --- |
| \`sql/grants.sql\` | the MySQL users \`${users.ftp}\` (pure-ftpd), \`${users.dns}\` (PowerDNS), \`${users.dovecot}\` (Dovecot) and \`${users.postfix}\` (Postfix) and their grants; the passwords are in the daemons' files |
| \`sql/pdns-views.sql\` | PowerDNS's database \`${r.pdnsDatabase}\`: its own tables and two views over Gloux's \`soa\`/\`rr\` |
| \`pure-ftpd/mysql.conf\` | pure-ftpd-mysql's queries on Gloux's \`ftp\` table |
| \`pure-ftpd/run.sh\` | the full pure-ftpd-mysql command line |
| \`pdns/pdns.conf\` | PowerDNS with the gmysql backend on the views |
| \`dovecot/dovecot.conf\`, \`dovecot/dovecot-sql.conf.ext\` | Dovecot (POP3, IMAP, LMTP) on Gloux's \`mails\` table |
| \`postfix/main.cf\`, \`postfix/domains.cf\`, \`postfix/mailboxes.cf\`, \`postfix/aliases.cf\` | Postfix's virtual domains, boxes and aliases (\`mysql:\` maps) |

## Install

\`\`\`sh
mysql -u root < sql/pdns-views.sql
mysql -u root < sql/grants.sql    # after gloux2's first start: it creates g2_mailbox_deletions
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

${mailReadme(r)}`;
}

function mailReadme(r: DaemonConfigRequest): string {
  const cut = r.suspensionCuts.includes('mail');
  const cuts = r.suspensionCuts.length ? r.suspensionCuts.join(',') : 'none';
  const served = r.rootPrefix
    ? `\`mails.maildir\` = \`${r.mailRoot}/example.org/anne/\` is served from \`${r.rootPrefix}${r.mailRoot}/example.org/anne\` (\`--root-prefix\`)`
    : `\`mails.maildir\` (\`${r.mailRoot}/example.org/anne/\`) is the box's Maildir`;
  return `## Mail: Dovecot on ${r.listen} (POP3 ${r.pop3Port}, IMAP ${r.imapPort}) and Postfix

\`\`\`sh
${DOVECOT_BINARY} -c ${r.out}/dovecot/dovecot.conf   # stop: doveadm -c ${r.out}/dovecot/dovecot.conf stop
postconf -e "$(grep -v '^#' ${r.out}/postfix/main.cf)"   # or copy the lines into /etc/postfix/main.cf
\`\`\`

Debian packages \`dovecot-core\`, \`dovecot-pop3d\`, \`dovecot-imapd\`, \`dovecot-lmtpd\`,
\`dovecot-mysql\`, \`postfix\`, \`postfix-mysql\`. Dovecot reads nothing from /etc/dovecot; its
SQL file belongs to the \`dovecot\` group and Postfix's maps to the \`postfix\` group (the
command sets them when run as root). Passwords are checked with crypt(3): Gloux's \`$1$\` rows
and gloux2's \`$5$\` ones. ${served}: every box's files belong to uid ${r.mailUid}, gid
${r.mailGid} (\`--mail-uid\`, \`--mail-gid\`), who must own \`${r.mailRoot}\`; a row whose folder is
outside \`${r.mailRoot}\` (\`--mail-root\`) or has \`/..\` is never served. Quota: \`quota_mo\`
megabytes (0: none). Logins per protocol follow \`mails.pop\` and \`mails.imap\`.

A box is served while \`mails.actif = 'Y'\` and it has no \`g2_mailbox_deletions\` row: a deletion
request stops its logins and its delivery at once (mail to it then goes to the domain's
catch-all, or is refused as unknown), a cancellation brings it back with its mail (no cache).
Suspension policy rendered: \`SUSPENSION_CUTS=${cuts}\`: the boxes of a suspended hosting ${
    cut
      ? 'can neither log in nor receive mail'
      : 'keep receiving mail and logging in by POP3 and IMAP'
  }; a closed hosting's boxes, redirections and domains are never served. Render again after
changing it.

Postfix hands mail to Dovecot's LMTP socket \`${r.lmtpSocket}\` (\`--lmtp-socket\`). The aliases map
returns each redirection's destinations (with the source itself when Gloux's \`garder_copie\` is
set, never for a catch-all \`@domaine\`) and the box itself for a box without a redirection,
so a catch-all never takes a real box's mail. Check a lookup:

\`\`\`sh
postmap -c ${r.out}/postfix -q contact@example.org mysql:${r.out}/postfix/aliases.cf
\`\`\`
${
  r.tlsCert
    ? `\nTLS: STARTTLS with \`${r.tlsCert}\`, required before a password.\n`
    : `\n**No TLS** (\`--tls-cert\`, \`--tls-key\` not given): passwords travel in clear. Give a\ncertificate before listening on a public address.\n`
}`;
}

/** Every file, with the passwords it shares between grants.sql and the daemons' files. */
export function renderDaemonConfig(
  r: DaemonConfigRequest,
  passwords: DaemonPasswords = {
    ftp: generatedPassword(),
    dns: generatedPassword(),
    dovecot: generatedPassword(),
    postfix: generatedPassword(),
  },
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
    ...mailFiles(r, users, passwords, mysqlHost),
  ];
}

/** Dovecot's two files and Postfix's main.cf lines and maps. */
function mailFiles(
  r: DaemonConfigRequest,
  users: DaemonUsers,
  passwords: DaemonPasswords,
  mysqlHost: string,
): RenderedFile[] {
  const policy = {
    mailRoot: r.mailRoot,
    suspendedLosesMail: r.suspensionCuts.includes('mail'),
  };
  const database = { glouxDatabase: r.glouxDatabase, mysqlHost, mysqlPort: r.mysqlPort };
  return [
    {
      path: 'dovecot/dovecot.conf',
      content: dovecotConf({
        sqlConfPath: `${r.out}/dovecot/dovecot-sql.conf.ext`,
        listenAddress: r.listen,
        pop3Port: r.pop3Port,
        imapPort: r.imapPort,
        lmtpSocket: r.lmtpSocket,
        runDir: r.dovecotRunDir,
        stateDir: r.dovecotStateDir,
        logPath: r.dovecotLog,
        mailUid: r.mailUid,
        mailGid: r.mailGid,
        tlsCert: r.tlsCert,
        tlsKey: r.tlsKey,
      }),
      mode: 0o644,
    },
    {
      path: 'dovecot/dovecot-sql.conf.ext',
      content: dovecotSqlConf({
        ...policy,
        ...database,
        mysqlUser: users.dovecot,
        mysqlPassword: passwords.dovecot,
        rootPrefix: r.rootPrefix,
        mailUid: r.mailUid,
        mailGid: r.mailGid,
      }),
      // Read by Dovecot's auth process, which runs as the `dovecot` user.
      mode: 0o640,
      group: 'dovecot',
    },
    {
      path: 'postfix/main.cf',
      content: postfixMainCf(`${r.out}/postfix`, r.lmtpSocket),
      mode: 0o644,
    },
    // Read by Postfix's proxymap, which runs as the `postfix` user.
    ...postfixMaps({
      ...policy,
      ...database,
      mysqlUser: users.postfix,
      mysqlPassword: passwords.postfix,
    }).map((map) => ({
      path: `postfix/${map.name}`,
      content: map.content,
      mode: 0o640,
      group: 'postfix' as const,
    })),
  ];
}

/** The listen address: an IP literal (the daemons bind it as given). */
export function isListenAddress(value: string): boolean {
  return isIP(value) !== 0;
}
