import { identifier } from './powerdns-config.js';

/**
 * Dovecot serving Gloux's `mails` table live (HOSTING.md b.1, verified): POP3 and IMAP logins
 * against the row's crypt hash (Gloux's `$1$`, gloux2's `$5$`), the box's home from
 * `mails.maildir`, its quota from `quota_mo`, and LMTP for Postfix. One guard, shared with the
 * Postfix maps, decides which boxes are served: active, no pending deletion
 * (`g2_mailbox_deletions`), the hosting served under the suspension policy (HOSTING.md
 * decision 2), the folder under the mail root. These functions render what an operator installs
 * and what the tests start the daemon with.
 */

export interface MailServingPolicy {
  /** Every `mails.maildir` served lies under this absolute folder (`/var/mail` in production). */
  readonly mailRoot: string;
  /** SUSPENSION_CUTS has `mail`: a suspended hosting's boxes are not served (a closed one never is). */
  readonly suspendedLosesMail: boolean;
}

export interface DovecotSettings extends MailServingPolicy {
  /** Gloux's database, which holds `mails`, `hebergements` and gloux2's `g2_mailbox_deletions`. */
  readonly glouxDatabase: string;
  readonly mysqlHost: string;
  readonly mysqlPort: number;
  readonly mysqlUser: string;
  readonly mysqlPassword: string;
  /** Prepended to `mails.maildir` ('' in production; a temporary folder in the tests). */
  readonly rootPrefix: string;
  /** The one uid/gid every box's files belong to (never root or a system account). */
  readonly mailUid: number;
  readonly mailGid: number;
}

export interface DovecotServerSettings {
  readonly sqlConfPath: string;
  readonly listenAddress: string;
  readonly pop3Port: number;
  readonly imapPort: number;
  /** The LMTP socket Postfix delivers to. */
  readonly lmtpSocket: string;
  /** Dovecot's `base_dir` (sockets, pid) and `state_dir`. */
  readonly runDir: string;
  readonly stateDir: string;
  /** `syslog` or an absolute file. */
  readonly logPath: string;
  readonly mailUid: number;
  readonly mailGid: number;
  /** Both or neither: with them, plain-text logins need STARTTLS first. */
  readonly tlsCert: string | null;
  readonly tlsKey: string | null;
}

export const DOVECOT_BINARY = '/usr/sbin/dovecot';
/** The lowest uid or gid the mail may run as: never root nor a system account. */
export const MAIL_MIN_ID = 1000;
/** The Postfix spool: a socket under it is named relative to it in `virtual_transport`. */
export const POSTFIX_QUEUE_DIR = '/var/spool/postfix';

const SAFE_PATH = /^(?:\/[A-Za-z0-9._-]+)+$/;

/** An absolute folder of plain characters, no `..`: safe inside SQL quotes and config lines. */
export function isSafeAbsolutePath(path: string): boolean {
  return SAFE_PATH.test(path) && !path.split('/').some((part) => part === '..' || part === '.');
}

function safePath(path: string, what: string): string {
  if (!isSafeAbsolutePath(path))
    throw new Error(`${what} must be an absolute path of letters, digits, ., _ and -`);
  return path;
}

function plainWord(value: string, what: string): string {
  if (!/^[A-Za-z0-9._:-]+$/.test(value)) throw new Error(`${what} must be one plain word`);
  return value;
}

function mailId(value: number, what: string): number {
  if (!Number.isInteger(value) || value < MAIL_MIN_ID || value > 4_294_967_294)
    throw new Error(`${what} must be an integer from ${MAIL_MIN_ID}`);
  return value;
}

/**
 * The served boxes (b.1 and b.3): `addressTest` is the SQL condition on `m.adresse`, written by
 * the caller with the daemon's own escaped placeholder. Checked by the daemons on every lookup,
 * whatever wrote the row: a deletion row or `actif = 'N'` stops the box at once, a closed
 * hosting is never served, a suspended one only when mail is not cut, and a folder outside the
 * mail root (or with `/..`) is never opened.
 */
export function mailboxGuard(policy: MailServingPolicy, addressTest: string): string {
  const root = safePath(policy.mailRoot, 'mailRoot');
  const served = policy.suspendedLosesMail ? `h.etat = 'actif'` : `h.etat IN ('actif', 'suspendu')`;
  return (
    `FROM mails m JOIN hebergements h ON h.id_hebergement = m.id_hebergement ` +
    `LEFT JOIN g2_mailbox_deletions d ON d.id_mail = m.id_mail ` +
    `WHERE ${addressTest} AND m.actif = 'Y' AND d.id_mail IS NULL AND ${served} ` +
    `AND LOCATE('/..', m.maildir) = 0 ` +
    `AND LEFT(m.maildir, ${root.length + 1}) = '${root}/' AND CHAR_LENGTH(m.maildir) > ${root.length + 1}`
  );
}

/** `dovecot-sql.conf.ext`: the SQL passdb and userdb (prefetched at login, queried for LMTP). */
export function dovecotSqlConf(s: DovecotSettings): string {
  identifier(s.glouxDatabase, 'glouxDatabase');
  plainWord(s.mysqlHost, 'mysqlHost');
  plainWord(s.mysqlUser, 'mysqlUser');
  plainWord(s.mysqlPassword, 'mysqlPassword');
  if (s.rootPrefix !== '') safePath(s.rootPrefix, 'rootPrefix');
  const uid = mailId(s.mailUid, 'mailUid');
  const gid = mailId(s.mailGid, 'mailGid');
  // Gloux's maildir is the Maildir itself ('/var/mail/example.org/anne/'): the box's home.
  const folder = `TRIM(TRAILING '/' FROM m.maildir)`;
  const home = s.rootPrefix === '' ? folder : `CONCAT('${s.rootPrefix}', ${folder})`;
  // Quota 0 in Gloux's column means none; Dovecot reads storage=0 as no limit too.
  const quota = `CONCAT('*:storage=', m.quota_mo, 'M')`;
  const user = `m.adresse = '%u'`;
  const guard = mailboxGuard(s, user);
  const fields = (prefix: string) =>
    `${home} AS ${prefix}home, ${uid} AS ${prefix}uid, ${gid} AS ${prefix}gid, ${quota} AS ${prefix}quota_rule`;
  return [
    '# Dovecot: boxes from Gloux’s `mails` table (rendered by gloux2 hosting:daemon-config).',
    'driver = mysql',
    `connect = host=${s.mysqlHost} port=${s.mysqlPort} dbname=${s.glouxDatabase} user=${s.mysqlUser} password=${s.mysqlPassword}`,
    // libc crypt(3): Gloux's $1$ (MD5-crypt) rows and gloux2's $5$ (SHA256-crypt) ones alike.
    'default_pass_scheme = CRYPT',
    // Logins only on the protocols the box allows (Gloux's mails.pop / mails.imap).
    `password_query = SELECT m.adresse AS user, m.mot_de_passe AS password, ${fields('userdb_')} ` +
      `${guard} AND m.mot_de_passe <> '' ` +
      `AND ((m.pop = '1' AND '%Ls' = 'pop3') OR (m.imap = '1' AND '%Ls' = 'imap'))`,
    `user_query = SELECT ${fields('')} ${guard}`,
    `iterate_query = SELECT m.adresse AS user ${mailboxGuard(s, '1 = 1')}`,
    '',
  ].join('\n');
}

/** A login service on the listen address; its implicit-TLS twin (pop3s, imaps) closed. */
function loginService(protocol: 'pop3' | 'imap', listen: string, port: number): string[] {
  return [
    `service ${protocol}-login {`,
    `  inet_listener ${protocol} {`,
    `    address = ${listen}`,
    `    port = ${port}`,
    '  }',
    `  inet_listener ${protocol}s {`,
    '    port = 0',
    '  }',
    '}',
  ];
}

/**
 * dovecot.conf: a whole configuration of its own (nothing read from /etc/dovecot), POP3 and
 * IMAP on the listen address, LMTP on a socket for Postfix, the quota plugin reading the
 * userdb's rule, no authentication cache (a deletion row stops the next login).
 */
export function dovecotConf(s: DovecotServerSettings): string {
  const sqlConf = safePath(s.sqlConfPath, 'sqlConfPath');
  const listen = plainWord(s.listenAddress, 'listenAddress');
  const uid = mailId(s.mailUid, 'mailUid');
  const gid = mailId(s.mailGid, 'mailGid');
  const logPath = s.logPath === 'syslog' ? 'syslog' : safePath(s.logPath, 'logPath');
  if ((s.tlsCert === null) !== (s.tlsKey === null))
    throw new Error('tlsCert and tlsKey go together');
  const tls =
    s.tlsCert !== null && s.tlsKey !== null
      ? [
          'ssl = required',
          `ssl_cert = <${safePath(s.tlsCert, 'tlsCert')}`,
          `ssl_key = <${safePath(s.tlsKey, 'tlsKey')}`,
          'ssl_min_protocol = TLSv1.2',
          'disable_plaintext_auth = yes',
        ]
      : ['ssl = no', 'disable_plaintext_auth = no'];
  return [
    '# Dovecot on Gloux’s `mails` table (rendered by gloux2 hosting:daemon-config).',
    '# Start: dovecot -c <this file>; stop: doveadm -c <this file> stop.',
    'protocols = pop3 imap lmtp',
    `listen = ${listen}`,
    `base_dir = ${safePath(s.runDir, 'runDir')}`,
    `state_dir = ${safePath(s.stateDir, 'stateDir')}`,
    `log_path = ${logPath}`,
    ...tls,
    // Every box runs as the one mail uid: no other uid (root, a hosting's) is ever used.
    `first_valid_uid = ${uid}`,
    `last_valid_uid = ${uid}`,
    `first_valid_gid = ${gid}`,
    `last_valid_gid = ${gid}`,
    // The home is Gloux's maildir column, which is the Maildir itself.
    'mail_location = maildir:~',
    // Addresses are stored in lower case; a login typed with capitals finds its box.
    'auth_username_format = %Lu',
    'auth_mechanisms = plain login',
    'auth_cache_size = 0',
    'mail_plugins = $mail_plugins quota',
    'protocol imap {',
    '  mail_plugins = $mail_plugins imap_quota',
    '}',
    'plugin {',
    '  quota = maildir:User quota',
    '}',
    'passdb {',
    '  driver = sql',
    `  args = ${sqlConf}`,
    '}',
    'userdb {',
    '  driver = prefetch',
    '}',
    'userdb {',
    '  driver = sql',
    `  args = ${sqlConf}`,
    '}',
    ...loginService('pop3', listen, s.pop3Port),
    ...loginService('imap', listen, s.imapPort),
    'service lmtp {',
    `  unix_listener ${safePath(s.lmtpSocket, 'lmtpSocket')} {`,
    '    mode = 0660',
    '    user = postfix',
    '    group = postfix',
    '  }',
    '}',
    '',
  ].join('\n');
}
