import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  ConfigError,
  loadDatabaseSettings,
  loadHostingConfig,
  type Env,
} from '../../kernel/config.js';
import { isListenAddress, renderDaemonConfig, type DaemonConfigRequest } from './daemon-config.js';

export interface DaemonConfigArgs {
  out?: string;
  listen?: string;
  'ftp-port'?: string;
  'dns-port'?: string;
  'pop3-port'?: string;
  'imap-port'?: string;
  'pdns-database'?: string;
  'root-prefix'?: string;
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
  // The mail daemons' ports are part of the contract; their files come with the mail module.
  port(values['pop3-port'], 'pop3-port', 110);
  port(values['imap-port'], 'imap-port', 143);
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
  };
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
  }
  console.log(
    `Configuration des démons écrite dans ${request.out} : ${files.map((f) => f.path).join(', ')}.`,
  );
  console.log(
    `Appliquez sql/pdns-views.sql puis sql/grants.sql ; démarrage : voir ${request.out}/README.md.`,
  );
  return 0;
}
