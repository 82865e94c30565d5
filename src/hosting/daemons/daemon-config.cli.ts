import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  ConfigError,
  loadDatabaseSettings,
  loadHostingConfig,
  loadMailUsageConfig,
  type Env,
} from '../../kernel/config.js';
import { isListenAddress, renderDaemonConfig, type DaemonConfigRequest } from './daemon-config.js';
import { isSafeAbsolutePath, MAIL_MIN_ID } from './dovecot-config.js';

export interface DaemonConfigArgs {
  out?: string;
  listen?: string;
  'ftp-port'?: string;
  'dns-port'?: string;
  'pop3-port'?: string;
  'imap-port'?: string;
  'pdns-database'?: string;
  'root-prefix'?: string;
  'mail-root'?: string;
  'mail-uid'?: string;
  'mail-gid'?: string;
  'lmtp-socket'?: string;
  'dovecot-run-dir'?: string;
  'dovecot-state-dir'?: string;
  'dovecot-log'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
}

/** A refusal of the command: French, naming the option. */
class Refusal extends Error {}

function port(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 65535))
    throw new Refusal(`--${option} : un numéro de port entre 1 et 65535 (reçu « ${value} »).`);
  return n;
}

/** An absolute path of plain characters (it goes into the daemons' files and SQL). */
function absolutePath(value: string | undefined, option: string, fallback: string): string {
  if (value === undefined) return fallback;
  const path = value.replace(/\/{2,}/g, '/').replace(/(.)\/+$/, '$1');
  if (!isSafeAbsolutePath(path))
    throw new Refusal(
      `--${option} : un chemin absolu de lettres sans accent, de chiffres, de ., _ ou -, sans .. (reçu « ${value} »).`,
    );
  return path;
}

/** MAIL_ROOT (default /var/mail), where gloux2 writes and measures the boxes: --mail-root's default. */
function configuredMailRoot(env: Env): string {
  let root: string;
  try {
    root = loadMailUsageConfig(env).mailRoot;
  } catch (error) {
    if (error instanceof ConfigError)
      throw new Refusal(`Configuration refusée : ${error.message}.`);
    throw error;
  }
  if (!isSafeAbsolutePath(root))
    throw new Refusal(
      `MAIL_ROOT : un chemin absolu de lettres sans accent, de chiffres, de ., _ ou - pour les démons (reçu « ${root} »).`,
    );
  return root;
}

/** The uid or gid the mail runs as: never root nor a system account. */
function mailId(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!(n >= MAIL_MIN_ID && n <= 4_294_967_294))
    throw new Refusal(
      `--${option} : un identifiant numérique à partir de ${MAIL_MIN_ID}, jamais root ni un compte système (reçu « ${value} »).`,
    );
  return n;
}

/** The MySQL database, host and port of DATABASE_URL (SQLite: a database named gloux on loopback). */
function glouxDatabaseOf(env: Env): {
  name: string;
  host: string;
  port: number;
  note: string | null;
} {
  const settings = loadDatabaseSettings(env);
  if (settings.dialect !== 'mysql')
    return {
      name: 'gloux',
      host: '127.0.0.1',
      port: 3306,
      note: 'Base SQLite (démo) : configuration rendue pour une base MySQL « gloux » sur 127.0.0.1:3306.',
    };
  const url = new URL(settings.url!);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name))
    throw new Refusal(
      `DATABASE_URL : le nom de la base (« ${name} ») doit être fait de lettres, de chiffres ou de _.`,
    );
  return { name, host: url.hostname || '127.0.0.1', port: Number(url.port || 3306), note: null };
}

/** Validates every option; throws a Refusal before anything is written. */
export function daemonConfigRequest(values: DaemonConfigArgs, env: Env): DaemonConfigRequest {
  if (!values.out) throw new Refusal('--out : indiquez le dossier où écrire la configuration.');
  const out = resolve(values.out);
  if (!/^(?:\/[A-Za-z0-9._ -]+)+$/.test(out) || out.split('/').includes('..'))
    throw new Refusal(
      `--out : un dossier dont le chemin n’a que des lettres sans accent, des chiffres, des espaces, ., _ ou - (reçu « ${values.out} »).`,
    );
  if (existsSync(out) && !statSync(out).isDirectory())
    throw new Refusal(`--out : « ${out} » existe et n’est pas un dossier.`);
  const listen = values.listen ?? '127.0.0.1';
  if (!isListenAddress(listen))
    throw new Refusal(`--listen : une adresse IP, par exemple 127.0.0.1 (reçu « ${listen} »).`);
  const pdnsDatabase = values['pdns-database'] ?? 'pdns';
  if (!/^[A-Za-z0-9_]{1,64}$/.test(pdnsDatabase))
    throw new Refusal(
      `--pdns-database : un nom de base de lettres, de chiffres ou de _ (reçu « ${pdnsDatabase} »).`,
    );
  let rootPrefix = (values['root-prefix'] ?? '').replace(/\/+$/, '');
  if (rootPrefix !== '') {
    rootPrefix = rootPrefix.replace(/\/{2,}/g, '/');
    if (!/^(?:\/[A-Za-z0-9._-]+)+$/.test(rootPrefix) || rootPrefix.split('/').includes('..'))
      throw new Refusal(
        `--root-prefix : un dossier absolu de lettres sans accent, de chiffres, de ., _ ou - (reçu « ${values['root-prefix']} »).`,
      );
  }
  const mailUid = mailId(values['mail-uid'], 'mail-uid', 5000);
  const tlsCert =
    values['tls-cert'] === undefined ? null : absolutePath(values['tls-cert'], 'tls-cert', '');
  const tlsKey =
    values['tls-key'] === undefined ? null : absolutePath(values['tls-key'], 'tls-key', '');
  if ((tlsCert === null) !== (tlsKey === null))
    throw new Refusal('--tls-cert et --tls-key vont ensemble : donnez les deux, ou aucun.');
  const dovecotLog = values['dovecot-log'] ?? 'syslog';
  const mail = {
    pop3Port: port(values['pop3-port'], 'pop3-port', 110),
    imapPort: port(values['imap-port'], 'imap-port', 143),
    mailRoot: absolutePath(values['mail-root'], 'mail-root', configuredMailRoot(env)),
    mailUid,
    mailGid: mailId(values['mail-gid'], 'mail-gid', mailUid),
    lmtpSocket: absolutePath(
      values['lmtp-socket'],
      'lmtp-socket',
      '/var/spool/postfix/private/dovecot-lmtp',
    ),
    dovecotRunDir: absolutePath(values['dovecot-run-dir'], 'dovecot-run-dir', '/run/dovecot'),
    dovecotStateDir: absolutePath(
      values['dovecot-state-dir'],
      'dovecot-state-dir',
      '/var/lib/dovecot',
    ),
    dovecotLog: dovecotLog === 'syslog' ? dovecotLog : absolutePath(dovecotLog, 'dovecot-log', ''),
    tlsCert,
    tlsKey,
  };
  if (mail.mailRoot === '/')
    throw new Refusal('--mail-root : un dossier sous la racine, par exemple /var/mail.');
  let database: ReturnType<typeof glouxDatabaseOf>;
  let suspensionCuts: DaemonConfigRequest['suspensionCuts'];
  try {
    database = glouxDatabaseOf(env);
    suspensionCuts = loadHostingConfig(env).suspensionCuts;
  } catch (error) {
    if (error instanceof ConfigError)
      throw new Refusal(`Configuration refusée : ${error.message}.`);
    throw error;
  }
  if (database.note) console.error(database.note);
  return {
    out,
    listen,
    ftpPort: port(values['ftp-port'], 'ftp-port', 21),
    dnsPort: port(values['dns-port'], 'dns-port', 53),
    pdnsDatabase,
    rootPrefix,
    glouxDatabase: database.name,
    mysqlHost: database.host,
    mysqlPort: database.port,
    suspensionCuts,
    ...mail,
  };
}

/** The numeric id of a system group, or null when it does not exist here. */
function groupId(name: string): number | null {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const [group, , gid] = line.split(':');
      if (group === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
    }
  } catch {
    return null;
  }
  return null;
}

/**
 * `hosting:daemon-config --out <dir> …`: writes the daemons' files (exit 0); a refusal prints
 * the French reason on stderr, writes nothing and exits 1. Needs no database connection.
 */
export function daemonConfigCli(values: DaemonConfigArgs, env: Env): number {
  let request: DaemonConfigRequest;
  try {
    request = daemonConfigRequest(values, env);
  } catch (error) {
    if (error instanceof Refusal) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const files = renderDaemonConfig(request);
  for (const file of files) {
    const path = join(request.out, file.path);
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    writeFileSync(path, file.content, { mode: file.mode });
    // An existing file keeps its mode through writeFileSync: set it (passwords are inside).
    chmodSync(path, file.mode);
    // The daemon reads it after dropping root: its group may read it, nobody else.
    const gid = file.group ? groupId(file.group) : null;
    if (file.group && gid !== null && process.getuid?.() === 0) chownSync(path, 0, gid);
    else if (file.group)
      console.error(
        `${file.path} : donnez-le au groupe ${file.group} (chgrp ${file.group} ${path}), qui doit pouvoir le lire.`,
      );
  }
  console.log(
    `Configuration des démons écrite dans ${request.out} : ${files.map((f) => f.path).join(', ')}.`,
  );
  console.log(
    `Appliquez sql/pdns-views.sql puis sql/grants.sql ; démarrage : voir ${request.out}/README.md.`,
  );
  return 0;
}
