import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/kernel/paths.js';

/**
 * The reference hosting scripts (scripts/hosting/, docs/hosting-jobs.md) on a temporary hosting
 * root. Run as root (CI), they work as the hosting's uid through setpriv: the root is given to
 * `nobody`, as an install gives a hosting its directory.
 */
const SCRIPTS = join(projectRoot, 'scripts', 'hosting');
const asRoot = process.getuid?.() === 0;
const UID = asRoot ? 65534 : process.getuid!();
const GID = asRoot ? 65534 : process.getgid!();

function run(
  script: 'vhost-mkdir' | 'files-delete' | 'mail-purge',
  ...args: string[]
): { code: number | null; last: { status: string; message: string } } {
  const out = spawnSync(join(SCRIPTS, script), args, {
    encoding: 'utf8',
    env: { ...process.env, DOVEADM_CONFIG: '' },
  });
  const lines = out.stdout.split('\n').filter((l) => l !== '');
  return {
    code: out.status,
    last: JSON.parse(lines[lines.length - 1] ?? '{}') as { status: string; message: string },
  };
}

describe('the reference hosting scripts', () => {
  let root: string;
  let outside: string;
  const ids = [String(UID), String(GID)];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gloux2-hosting-'));
    outside = mkdtempSync(join(tmpdir(), 'gloux2-outside-'));
    chmodSync(root, 0o755);
    if (asRoot) chownSync(root, UID, GID);
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('vhost-mkdir creates the directory as the hosting’s uid, and again is success', () => {
    expect(run('vhost-mkdir', root, 'sites/blog', ...ids)).toEqual({
      code: 0,
      last: { status: 'ok', message: 'dossier créé : sites/blog' },
    });
    expect(statSync(join(root, 'sites/blog')).isDirectory()).toBe(true);
    expect(statSync(join(root, 'sites/blog')).uid).toBe(UID);
    expect(statSync(join(root, 'sites')).uid).toBe(UID);
    expect(run('vhost-mkdir', root, 'sites/blog', ...ids)).toEqual({
      code: 0,
      last: { status: 'ok', message: 'dossier déjà présent : sites/blog' },
    });
  });

  it('refuses .., an absolute path, uid 0 and a symlink leading out, creating nothing', () => {
    for (const path of ['../evil', 'a/../../evil', '/tmp/evil', 'a/./b', 'a//b', '']) {
      const r = run('vhost-mkdir', root, path, ...ids);
      expect(r.code).toBe(1);
      expect(r.last.status).toBe('error');
    }
    expect(run('vhost-mkdir', root, 'a', '0', '0').last.message).toContain(
      'jamais en tant que root',
    );
    expect(run('vhost-mkdir', 'relative', 'a', ...ids).last.message).toContain('absolu');
    symlinkSync(outside, join(root, 'escape'));
    const r = run('vhost-mkdir', root, 'escape/site', ...ids);
    expect(r).toMatchObject({ code: 1, last: { status: 'error' } });
    expect(r.last.message).toContain('lien symbolique');
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(root)).toEqual(['escape']);
  });

  it('files-delete renames then removes the files; already gone is success', () => {
    mkdirSync(join(root, 'sites/blog/img'), { recursive: true });
    writeFileSync(join(root, 'sites/blog/index.html'), '<p>bonjour</p>');
    // A link inside the site pointing out: removed as a link, its target untouched.
    writeFileSync(join(outside, 'precious'), 'keep');
    symlinkSync(outside, join(root, 'sites/blog/img/link'));
    if (asRoot) spawnSync('chown', ['-R', '-h', `${UID}:${GID}`, root]);
    expect(run('files-delete', root, 'sites/blog', ...ids)).toEqual({
      code: 0,
      last: { status: 'ok', message: 'fichiers supprimés : sites/blog' },
    });
    expect(readdirSync(join(root, 'sites'))).toEqual([]);
    expect(existsSync(join(outside, 'precious'))).toBe(true);
    expect(run('files-delete', root, 'sites/blog', ...ids)).toEqual({
      code: 0,
      last: { status: 'ok', message: 'fichiers déjà supprimés : sites/blog' },
    });
  });

  it('files-delete finishes what a killed run left (the renamed copy)', () => {
    mkdirSync(join(root, 'sites/.deleted-blog-1-2/old'), { recursive: true });
    if (asRoot) spawnSync('chown', ['-R', `${UID}:${GID}`, root]);
    expect(run('files-delete', root, 'sites/blog', ...ids).code).toBe(0);
    expect(readdirSync(join(root, 'sites'))).toEqual([]);
  });

  it('files-delete refuses .., the root itself and a symlink leading out, deleting nothing', () => {
    writeFileSync(join(outside, 'precious'), 'keep');
    symlinkSync(outside, join(root, 'escape'));
    for (const path of [
      '..',
      '../' + outside.split('/').pop()!,
      '.',
      'escape',
      'escape/precious',
    ]) {
      const r = run('files-delete', root, path, ...ids);
      expect(r).toMatchObject({ code: 1, last: { status: 'error' } });
    }
    expect(existsSync(join(outside, 'precious'))).toBe(true);
    expect(existsSync(join(root, 'escape'))).toBe(true);
  });
});

describe('the reference mail-purge script', () => {
  let mailRoot: string;
  let outside: string;
  const box = () => join(mailRoot, 'example.org', 'anne');
  const purge = (local = 'anne', maildir = `${box()}/`, id = 'b-1', domain = 'example.org') =>
    run('mail-purge', mailRoot, domain, local, maildir, id);
  /** The mail root and what is in it belong to the mail user (nobody when the tests run as root). */
  const own = () => {
    if (asRoot) spawnSync('chown', ['-R', '-h', `${UID}:${GID}`, mailRoot]);
  };

  beforeEach(() => {
    mailRoot = mkdtempSync(join(tmpdir(), 'gloux2-mail-'));
    outside = mkdtempSync(join(tmpdir(), 'gloux2-outside-'));
    chmodSync(mailRoot, 0o755);
    mkdirSync(join(box(), 'Maildir', 'cur'), { recursive: true });
    writeFileSync(join(box(), 'Maildir', 'cur', '1.mail'), 'Subject: x\n\nbonjour\n');
    mkdirSync(join(mailRoot, 'example.org', 'paul', 'Maildir'), { recursive: true });
    writeFileSync(join(outside, 'precious'), 'keep');
    own();
  });

  afterEach(() => {
    rmSync(mailRoot, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('deletes the box’s files and nothing else; already gone is success', () => {
    expect(purge()).toEqual({
      code: 0,
      last: { status: 'ok', message: 'boîte anne@example.org supprimée' },
    });
    expect(readdirSync(join(mailRoot, 'example.org'))).toEqual(['paul']);
    expect(purge()).toEqual({
      code: 0,
      last: { status: 'ok', message: 'boîte anne@example.org déjà supprimée' },
    });
    expect(
      purge('jo', join(mailRoot, 'nowhere.example', 'jo'), 'b-2', 'nowhere.example').code,
    ).toBe(0);
  });

  it('completes a purge killed after its rename (the renamed copy left), on retry', () => {
    rmSync(box(), { recursive: true });
    mkdirSync(join(mailRoot, 'example.org', '.deleted-b-1-1765000000-42', 'Maildir', 'cur'), {
      recursive: true,
    });
    // Another box's leftover is not this purge's business, even when its id starts the same.
    mkdirSync(join(mailRoot, 'example.org', '.deleted-b-2-1765000000-43'));
    mkdirSync(join(mailRoot, 'example.org', '.deleted-b-1-2-1765000000-44'));
    own();
    expect(purge()).toEqual({
      code: 0,
      last: {
        status: 'ok',
        message: "boîte anne@example.org supprimée (reprise d'une purge interrompue)",
      },
    });
    expect(readdirSync(join(mailRoot, 'example.org')).sort()).toEqual([
      '.deleted-b-1-2-1765000000-44',
      '.deleted-b-2-1765000000-43',
      'paul',
    ]);
  });

  it('refuses a maildir that is not <mail root>/<domain>/<local>, .., and symlinks, deleting nothing', () => {
    const refused = (r: ReturnType<typeof purge>, words: string) => {
      expect(r).toMatchObject({ code: 1, last: { status: 'error' } });
      expect(r.last.message).toContain(words);
    };
    refused(purge('anne', outside), "n'est pas");
    refused(purge('anne', join(mailRoot, 'example.org', 'paul')), "n'est pas");
    refused(purge('anne', mailRoot), "n'est pas");
    refused(purge('..', join(mailRoot, 'example.org', '..')), 'nom refusé');
    refused(purge('a/b', join(mailRoot, 'example.org', 'a/b')), 'nom refusé');
    refused(purge('anne', `${box()}/`, '../x'), 'identifiant');
    refused(
      run('mail-purge', 'relative', 'example.org', 'anne', 'relative/example.org/anne', 'b-1'),
      'absolu',
    );
    // A domain folder, or the box itself, that is a symlink leading out of the mail root.
    symlinkSync(outside, join(mailRoot, 'evil.example'));
    refused(
      purge('precious', join(mailRoot, 'evil.example', 'precious'), 'b-3', 'evil.example'),
      'lien symbolique',
    );
    symlinkSync(outside, join(mailRoot, 'example.org', 'jo'));
    refused(purge('jo', join(mailRoot, 'example.org', 'jo'), 'b-4'), 'lien symbolique');
    expect(readdirSync(outside)).toEqual(['precious']);
    expect(existsSync(join(box(), 'Maildir', 'cur', '1.mail'))).toBe(true);
    expect(existsSync(join(mailRoot, 'example.org', 'paul', 'Maildir'))).toBe(true);
  });

  it('as root, works as the mail root’s owner and refuses a mail root owned by root', () => {
    if (!asRoot) {
      // Not root: the files are the test user's own, nothing to drop to.
      expect(purge().code).toBe(0);
      return;
    }
    spawnSync('chown', ['0:0', mailRoot]);
    const r = purge();
    expect(r).toMatchObject({ code: 1, last: { status: 'error' } });
    expect(r.last.message).toContain('appartient à root');
    expect(existsSync(box())).toBe(true);
    // A box folder the mail user cannot remove (root's): the purge fails and says so.
    own();
    mkdirSync(join(box(), 'Maildir', 'root-only'));
    writeFileSync(join(box(), 'Maildir', 'root-only', 'x'), '');
    chmodSync(join(box(), 'Maildir', 'root-only'), 0o755);
    const partial = purge();
    expect(partial).toMatchObject({ code: 1, last: { status: 'error' } });
    expect(partial.last.message).toContain('suppression incomplète');
  });
});
