import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readUsageLines } from '../../domain/hosting/mail-usage.js';
import { projectRoot } from '../../src/kernel/paths.js';

jest.setTimeout(60_000);

const SCRIPT = join(projectRoot, 'scripts', 'hosting', 'mail-usage');
const asRoot = process.getuid?.() === 0;
const UID = asRoot ? 65534 : process.getuid!();
const GID = asRoot ? 65534 : process.getgid!();

function need(binary: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  if (found.status !== 0)
    throw new Error(
      `${binary} is missing: apt-get install dovecot-core (or bash .ci/ensure-system.sh), as the mail tests need Dovecot`,
    );
  return found.stdout.trim();
}

async function until(ok: () => boolean, what: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen in 20 s:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The reference script with MAIL_USAGE_DOVEADM (`--doveadm`): the figures are Dovecot's own,
 * from `doveadm -f tab quota get -A` against a Dovecot started here (its auth service lists the
 * users; no protocol listens), with the quota plugin counting each box.
 */
describe('scripts/hosting/mail-usage --doveadm, against a running Dovecot', () => {
  let dir: string;
  let dovecot: ChildProcess;
  let output = '';
  let wrapper: string;

  beforeAll(async () => {
    const doveadm = need('doveadm');
    const binary = need('dovecot');
    dir = mkdtempSync(join(tmpdir(), 'gloux2-doveadm-'));
    chmodSync(dir, 0o755);
    const root = join(dir, 'mail');
    for (const sub of ['cur', 'new', 'tmp'])
      mkdirSync(join(root, 'example.org', 'anne', sub), { recursive: true });
    writeFileSync(
      join(root, 'example.org', 'anne', 'cur', '1700000000.M1P1.mx:2,S'),
      'x'.repeat(50_000),
    );
    writeFileSync(
      join(root, 'example.org', 'anne', 'cur', '1700000001.M2P1.mx:2,S'),
      'y'.repeat(30_000),
    );
    if (asRoot) spawnSync('chown', ['-R', `${UID}:${GID}`, root]);
    else chownSync(root, UID, GID);
    const box = (address: string, local: string) =>
      `${address}:{PLAIN}x:${UID}:${GID}::${root}/example.org/${local}::userdb_mail=maildir:${root}/example.org/${local}`;
    writeFileSync(
      join(dir, 'users'),
      `${box('anne@example.org', 'anne')}\n${box('bob@example.org', 'bob')}\n`,
    );
    const config = join(dir, 'dovecot.conf');
    writeFileSync(
      config,
      [
        `base_dir = ${dir}/run`,
        'log_path = /dev/stderr',
        'ssl = no',
        'protocols =',
        `default_internal_user = ${asRoot ? 'nobody' : (process.env.USER ?? 'nobody')}`,
        `default_login_user = ${asRoot ? 'nobody' : (process.env.USER ?? 'nobody')}`,
        'mail_plugins = quota',
        `passdb {\n  driver = passwd-file\n  args = ${dir}/users\n}`,
        `userdb {\n  driver = passwd-file\n  args = ${dir}/users\n}`,
        'plugin {\n  quota = count:User quota\n  quota_rule = *:storage=100M\n  quota_vsizes = yes\n}',
        '',
      ].join('\n'),
    );
    // The operator's doveadm reads /etc/dovecot; this one reads the test's configuration.
    wrapper = join(dir, 'doveadm');
    writeFileSync(wrapper, `#!/bin/sh\nexec ${doveadm} -c ${config} "$@"\n`);
    chmodSync(wrapper, 0o755);
    dovecot = spawn(binary, ['-F', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    dovecot.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    dovecot.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await until(
      () => existsSync(join(dir, 'run', 'auth-userdb')),
      'Dovecot’s auth-userdb socket',
      () => output,
    );
  });

  afterAll(async () => {
    if (dovecot && dovecot.exitCode === null) {
      const exited = new Promise((r) => dovecot.once('exit', r));
      dovecot.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints Dovecot’s STORAGE figure of each box asked about, and an error line for a box Dovecot does not list', () => {
    const root = join(dir, 'mail');
    const asked = [
      ['anne@example.org', `${root}/example.org/anne/`],
      ['bob@example.org', `${root}/example.org/bob/`],
      ['inconnu@example.org', `${root}/example.org/inconnu/`],
    ];
    const run = spawnSync(SCRIPT, ['--doveadm', wrapper, root, ...asked.flat()], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    // What doveadm itself says for anne: 80 000 octets of messages, in ko.
    const direct = spawnSync(wrapper, ['-f', 'tab', 'quota', 'get', '-u', 'anne@example.org'], {
      encoding: 'utf8',
    });
    const storage = direct.stdout
      .split('\n')
      .map((l) => l.split('\t'))
      .find((c) => c[1] === 'STORAGE')?.[2];
    expect(storage).toBe(String(Math.ceil(80_000 / 1024)));
    expect(run.stdout.trim().split('\n')).toEqual([
      `{"address":"anne@example.org","kb":${storage}}`,
      '{"address":"bob@example.org","kb":0}',
      '{"address":"inconnu@example.org","status":"error","message":"absente du relevé de doveadm"}',
    ]);
    expect(
      readUsageLines(
        run.stdout,
        asked.map(([a]) => a!),
      ),
    ).toEqual({
      measured: [
        { address: 'anne@example.org', kb: Number(storage), missing: false },
        { address: 'bob@example.org', kb: 0, missing: false },
      ],
      problems: [{ address: 'inconnu@example.org', message: 'absente du relevé de doveadm' }],
    });
  });

  it('a doveadm that fails stops the run with its reason, measuring nothing', () => {
    const root = join(dir, 'mail');
    const run = spawnSync(
      SCRIPT,
      ['--doveadm', '/bin/false', root, 'anne@example.org', `${root}/example.org/anne/`],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    expect(run.stdout.trim()).toBe('{"status":"error","message":"doveadm quota get -A a échoué"}');
  });
});
