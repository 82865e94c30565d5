import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { daemonConfigCli } from '../../src/hosting/daemons/daemon-config.cli.js';
import { daemonUsers } from '../../src/hosting/daemons/daemon-config.js';
import { DOVECOT_BINARY } from '../../src/hosting/daemons/dovecot-config.js';
import { migrateDatabase, MYSQL_ROOT_URL } from './databases.js';
import { ImapSession, Pop3Session } from './mail-clients.js';
import { freePort } from './powerdns.js';

/** The uid and gid the test's boxes run as (HOSTING.md b.1): `nobody`, above first_valid_uid. */
export const TEST_MAIL_UID = 65534;
export const DOVEADM_BINARY = '/usr/bin/doveadm';

export interface RunningDovecot {
  readonly pop3Port: number;
  readonly imapPort: number;
  /** The rendered files (`hosting:daemon-config --out`): dovecot/, postfix/, sql/. */
  readonly out: string;
  /**
   * `--root-prefix`: Gloux's `/var/mail/example.org/anne/` is served from `<rootPrefix>/var/mail/…`
   * ('' with a given mail root).
   */
  readonly rootPrefix: string;
  /** `--mail-root`, as the rows name it: `/var/mail`, or the given mail root. */
  readonly mailRoot: string;
  /** Where a box's files are on this machine. */
  maildirOf(maildir: string): string;
  /** POP3 USER/PASS then `use`; null when the login is refused. */
  pop3<T>(user: string, password: string, use: (s: Pop3Session) => Promise<T>): Promise<T | null>;
  /** IMAP LOGIN then `use`; null when the login is refused. */
  imap<T>(user: string, password: string, use: (s: ImapSession) => Promise<T>): Promise<T | null>;
  /** `doveadm save -u <address>`: a message put in the box without an MTA. */
  save(address: string, message: string): Promise<void>;
  /** `doveadm` with the rendered configuration; resolves with its exit code and output. */
  doveadm(args: readonly string[], input?: string): Promise<{ code: number; output: string }>;
  log(): string;
  /** Applies this rendering's grants again (another rendering of the database replaced them). */
  grant(): Promise<void>;
  stop(): Promise<void>;
}

/** True once something answers on the port with `prefix`. */
async function greets(port: number, prefix: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(2000);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith(prefix));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export function run(
  binary: string,
  args: readonly string[],
  input?: string,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
    child.stdin.end(input ?? '');
  });
}

export interface MailRootOption {
  /**
   * An absolute folder to serve as the mail root as it is named (gloux2's MAIL_ROOT in the
   * test); by default Gloux's `/var/mail` under a temporary `--root-prefix`.
   */
  readonly mailRoot?: string;
}

export interface RenderedMailDaemons {
  /** The rendered files (`hosting:daemon-config --out`): dovecot/, postfix/, sql/. */
  readonly out: string;
  /** `--root-prefix` ('' with a given mail root). */
  readonly rootPrefix: string;
  /** `--mail-root`, as the rows name it. */
  readonly mailRoot: string;
  readonly pop3Port: number;
  readonly imapPort: number;
  /**
   * Applies this rendering's grants.sql again: the users are per database, so another
   * rendering for it (or its cleanUp) replaced their passwords or dropped them.
   */
  grant(): Promise<void>;
  /** Drops the daemons' MySQL users and removes the folders. */
  cleanUp(): Promise<void>;
}

/**
 * Renders the daemons' files with gloux2's own `hosting:daemon-config` for the test database
 * (mail root `/var/mail` under a temporary `--root-prefix`, owned by uid 65534; sockets and
 * log in the temporary folder; free loopback ports) and applies sql/grants.sql as root, after
 * the migrations (the grants name gloux2's g2_mailbox_deletions).
 */
export async function renderMailDaemons(
  databaseUrl: string,
  env: Readonly<Record<string, string>> = {},
  options: MailRootOption = {},
): Promise<RenderedMailDaemons> {
  const out = mkdtempSync(join(tmpdir(), 'gloux2-mail-daemons-'));
  const top = mkdtempSync(join(tmpdir(), 'gloux2-mail-root-'));
  // Dovecot's auth process (user dovecot) and the boxes' uid walk down to their files.
  chmodSync(out, 0o755);
  chmodSync(top, 0o755);
  // Gloux's sample rows name /var/mail: served under a prefix. A given root (gloux2's
  // MAIL_ROOT, which the purge script also works in) is served as it is named.
  const rootPrefix = options.mailRoot ? '' : top;
  const mailRoot = options.mailRoot ?? '/var/mail';
  const onDisk = join(rootPrefix || '/', mailRoot);
  mkdirSync(onDisk, { recursive: true, mode: 0o755 });
  if (!options.mailRoot) chmodSync(join(top, 'var'), 0o755);
  chownSync(onDisk, TEST_MAIL_UID, TEST_MAIL_UID);
  const pop3Port = await freePort();
  const imapPort = await freePort();
  const database = new URL(databaseUrl).pathname.slice(1);
  const code = daemonConfigCli(
    {
      out,
      listen: '127.0.0.1',
      'pop3-port': String(pop3Port),
      'imap-port': String(imapPort),
      'pdns-database': `${database}_pdns`,
      'root-prefix': rootPrefix || undefined,
      'mail-root': mailRoot,
      'mail-uid': String(TEST_MAIL_UID),
      'lmtp-socket': join(out, 'dovecot-lmtp'),
      'dovecot-run-dir': join(out, 'run'),
      'dovecot-state-dir': join(out, 'state'),
      'dovecot-log': join(out, 'dovecot.log'),
    },
    { DATABASE_URL: databaseUrl, ...env },
  );
  if (code !== 0) throw new Error(`hosting:daemon-config exited ${code}`);
  mkdirSync(join(out, 'state'), { recursive: true });
  await migrateDatabase({ dialect: 'mysql', url: databaseUrl });
  const root = await mysql.createConnection({ uri: MYSQL_ROOT_URL, multipleStatements: true });
  const grant = async () => {
    await root.query(readFileSync(join(out, 'sql/grants.sql'), 'utf8'));
  };
  await grant();
  const cleanUp = async () => {
    for (const user of Object.values(daemonUsers(database)))
      for (const host of ['127.0.0.1', 'localhost'])
        await root.query(`DROP USER IF EXISTS '${user}'@'${host}'`);
    await root.end();
    rmSync(out, { recursive: true, force: true });
    rmSync(top, { recursive: true, force: true });
  };
  return { out, rootPrefix, mailRoot, pop3Port, imapPort, grant, cleanUp };
}

/**
 * Starts Dovecot in the foreground from the rendered dovecot/dovecot.conf (renderMailDaemons);
 * resolves once POP3 and IMAP greet. Stopped by its pid; its MySQL users dropped. Fails with
 * an install hint when a part of Dovecot is missing.
 */
export async function startDovecot(
  databaseUrl: string,
  env: Readonly<Record<string, string>> = {},
  options: MailRootOption = {},
): Promise<RunningDovecot> {
  for (const binary of [
    DOVECOT_BINARY,
    DOVEADM_BINARY,
    '/usr/lib/dovecot/pop3',
    '/usr/lib/dovecot/imap',
    '/usr/lib/dovecot/lmtp',
  ])
    if (!existsSync(binary))
      throw new Error(
        `${binary} is missing: install Dovecot (apt-get install dovecot-core dovecot-pop3d dovecot-imapd dovecot-lmtpd dovecot-mysql, or run bash .ci/ensure-system.sh as root).`,
      );
  if (
    !existsSync('/usr/lib/dovecot/modules/auth/libdriver_mysql.so') &&
    !existsSync('/usr/lib/dovecot/modules/libdriver_mysql.so')
  )
    throw new Error(
      'Dovecot’s MySQL driver is missing: apt-get install dovecot-mysql (or run bash .ci/ensure-system.sh as root).',
    );
  if (process.getuid?.() !== 0)
    throw new Error(
      'Dovecot must start as root (it switches to the boxes’ uid 65534): run this test as root.',
    );
  const { out, rootPrefix, mailRoot, pop3Port, imapPort, grant, cleanUp } = await renderMailDaemons(
    databaseUrl,
    env,
    options,
  );
  const conf = join(out, 'dovecot/dovecot.conf');
  const child: ChildProcess = spawn(DOVECOT_BINARY, ['-F', '-c', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => {
    const file = join(out, 'dovecot.log');
    return `${output}${existsSync(file) ? readFileSync(file, 'utf8') : ''}`;
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await cleanUp();
  };
  const giveUp = Date.now() + 60_000;
  while (!(await greets(pop3Port, '+OK')) || !(await greets(imapPort, '* OK'))) {
    if (child.exitCode !== null || Date.now() > giveUp) {
      const seen = log();
      await stop();
      throw new Error(`Dovecot did not greet on ports ${pop3Port}/${imapPort}:\n${seen}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const doveadm = (args: readonly string[], input?: string) =>
    run(DOVEADM_BINARY, ['-c', conf, ...args], input);
  return {
    pop3Port,
    imapPort,
    out,
    rootPrefix,
    mailRoot,
    maildirOf: (maildir) => (rootPrefix ? join(rootPrefix, maildir) : maildir),
    pop3: async (user, password, use) => {
      const session = await Pop3Session.open(pop3Port);
      try {
        return (await session.login(user, password)) ? await use(session) : null;
      } finally {
        await session.quit().catch(() => undefined);
      }
    },
    imap: async (user, password, use) => {
      const session = await ImapSession.open(imapPort);
      try {
        return (await session.login(user, password)) ? await use(session) : null;
      } finally {
        await session.logout().catch(() => undefined);
      }
    },
    save: async (address, message) => {
      const result = await doveadm(['save', '-u', address], message);
      if (result.code !== 0)
        throw new Error(`doveadm save -u ${address} exited ${result.code}: ${result.output}`);
    },
    doveadm,
    log,
    grant,
    stop,
  };
}
