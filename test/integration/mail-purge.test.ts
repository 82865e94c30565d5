import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { hostingStream } from '../../domain/hosting/events.js';
import { jobStream } from '../../domain/jobs/events.js';
import {
  LIFECYCLE_CONFIG,
  loadLifecycleConfig,
  loadMailUsageConfig,
  MAIL_USAGE_CONFIG,
} from '../../src/kernel/config.js';
import { readStream } from '../../src/kernel/event-store/event-store.js';
import { hostingNameHolder } from '../../src/kernel/hosting-names.js';
import { JobQueue } from '../../src/kernel/jobs/job-queue.js';
import { projectRoot } from '../../src/kernel/paths.js';
import { startDuePurges } from '../../src/hosting/mail/mail-purge.js';
import {
  MailboxCommand,
  type MailboxAction,
  type MailboxResult,
} from '../../src/hosting/mail/mailboxes.handler.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { refusal } from '../support/refusal.js';

jest.setTimeout(180_000);

const asRoot = process.getuid?.() === 0;
// The mail user (vmail in production): nobody when the tests run as root.
const MAIL_UID = asRoot ? 65534 : process.getuid!();
const MAIL_GID = asRoot ? 65534 : process.getgid!();

/**
 * Deferred deletion's purge (issue 19) on SQLite and MariaDB, through gloux2's own commands and
 * the real reference script on a temporary mail root: a deleted box is not due before its day,
 * is on the day, its files go and Gloux's `mails` row with them, and the address can be taken
 * again; a cancelled box is never purged; a box put back in Gloux meanwhile is never deleted; a
 * maildir pointing out of the mail root is refused (the job fails, nothing deleted, cancel still
 * refused, « relancer » once fixed); a purge killed after its rename completes on retry; a
 * closing hosting sends its boxes into deletion, a suspension does not.
 */
describe.each(dialects)('the mail purge on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let mailRoot: string;
  let outside: string;

  beforeAll(async () => {
    mailRoot = mkdtempSync(join(tmpdir(), 'gloux2-mailroot-'));
    outside = mkdtempSync(join(tmpdir(), 'gloux2-outside-'));
    chmodSync(mailRoot, 0o755);
    if (asRoot) spawnSync('chown', [`${MAIL_UID}:${MAIL_GID}`, mailRoot]);
    const lifecycle = loadLifecycleConfig({ NODE_ENV: 'test' });
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, {
      now: '2026-12-07T10:00:00Z',
      overrides: [
        [
          LIFECYCLE_CONFIG,
          {
            ...lifecycle,
            retryBaseMs: 1000,
            provisioningMaxAttempts: 2,
            hostingHooks: {
              ...lifecycle.hostingHooks,
              'mail.purge': join(projectRoot, 'scripts', 'hosting', 'mail-purge'),
            },
          },
        ],
        [MAIL_USAGE_CONFIG, loadMailUsageConfig({ MAIL_ROOT: mailRoot })],
      ],
    });
    await app.db.run((q) =>
      q.execute(
        `INSERT INTO domaines (id_domaine, domaine, id_hebergement, id_soa, gere_dns, gere_mx, date_ajout) VALUES
          (951, 'purge.example', 1, 0, 'N', 'O', '2020-01-01 00:00:00'),
          (952, 'ferme.example', 2, 0, 'N', 'O', '2020-01-01 00:00:00')`,
      ),
    );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    rmSync(mailRoot, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const command = async (action: MailboxAction, hostingId = 1) => {
    const result = await app.context
      .get(CommandBus)
      .execute<MailboxCommand, MailboxResult>(new MailboxCommand(hostingId, action, 'test'));
    await app.settle();
    return result;
  };
  const create = (address: string, hostingId = 1) =>
    command({ action: 'create', address, password: 'un-secret-solide' }, hostingId);
  const day = async (d: string, on?: string) => {
    app.clock.set(new Date(`${d}T10:00:00Z`));
    const summary = await startDuePurges(app.db, app.pipeline, app.clock, on, 'test');
    await app.settle();
    return summary.started.map((s) => s.address);
  };
  const box = (address: string) => {
    const [local, domain] = address.split('@') as [string, string];
    return join(mailRoot, domain, local);
  };
  /** A maildir with one message, as Dovecot leaves it (the mail user's). */
  const fill = (address: string) => {
    mkdirSync(join(box(address), 'Maildir', 'cur'), { recursive: true });
    writeFileSync(join(box(address), 'Maildir', 'cur', '1.host:2,S'), 'Subject: x\n\nbonjour\n');
    if (asRoot) spawnSync('chown', ['-R', `${MAIL_UID}:${MAIL_GID}`, mailRoot]);
  };
  const mails = (address: string) =>
    app.db.query<{ actif: string; maildir: string }>(
      `SELECT actif, maildir FROM mails WHERE adresse = ?`,
      [address],
    );
  const jobsOf = (address: string) =>
    app.db.query<{ status: string; last_error: string | null; id: number | string }>(
      `SELECT id, status, last_error FROM g2_jobs WHERE kind = 'mail.purge' AND target_id = ? ORDER BY id`,
      [address],
    );
  const mailEvents = async (hostingId: number, address: string) =>
    (await app.db.run((q) => readStream(q, hostingStream(hostingId))))
      .filter((e) => (e.data as { address?: string }).address === address)
      .map((e) => e.type);

  it('a deleted box is purged on its day by the reference script: files and Gloux row gone, the address free again', async () => {
    const address = 'partie@purge.example';
    await create(address);
    fill(address);
    expect(await mails(address)).toEqual([{ actif: 'Y', maildir: `${box(address)}/` }]);
    const deleted = await command({ action: 'delete', address });
    expect(deleted.purgeAfter).toBe('2026-12-14');
    expect((await mails(address))[0]!.actif).toBe('N');
    // Not due the day before: nothing starts, the mail is still there.
    expect(await day('2026-12-13')).toEqual([]);
    expect(existsSync(join(box(address), 'Maildir', 'cur'))).toBe(true);
    // A day to come is refused: it would purge before the end of the retention.
    await expect(
      startDuePurges(app.db, app.pipeline, app.clock, '2026-12-20', 'test'),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'on' });
    expect(await day('2026-12-14')).toEqual([address]);
    expect(await jobsOf(address)).toMatchObject([{ status: 'done' }]);
    expect(existsSync(box(address))).toBe(false);
    expect(readdirSync(join(mailRoot, 'purge.example'))).toEqual([]);
    expect(await mails(address)).toEqual([]);
    expect(await app.count('g2_mailbox_deletions', 'address = ?', [address])).toBe(0);
    expect(await mailEvents(1, address)).toEqual([
      'MailboxCreated',
      'MailboxDeletionRequested',
      'MailboxPurgeStarted',
      'MailboxPurged',
    ]);
    const outcome = await app.db.run((q) => readStream(q, jobStream('mailbox', address)));
    expect(outcome.map((e) => e.type)).toEqual(['JobSucceeded']);
    // The same day again starts nothing more.
    expect(await day('2026-12-14')).toEqual([]);
    // The address can be taken again, by a new box that shows none of the old mail.
    expect(await app.db.run((q) => hostingNameHolder(q, 'mailbox', address))).toBeNull();
    await create(address);
    expect(await mails(address)).toEqual([{ actif: 'Y', maildir: `${box(address)}/` }]);
    expect(existsSync(box(address))).toBe(false);
  });

  it('a deletion cancelled before its day keeps the box and its mail', async () => {
    app.clock.set(new Date('2026-12-07T10:00:00Z'));
    const address = 'garde@purge.example';
    await create(address);
    fill(address);
    await command({ action: 'delete', address });
    await command({ action: 'restore', address });
    expect(await day('2026-12-20')).toEqual([]);
    expect(existsSync(join(box(address), 'Maildir', 'cur', '1.host:2,S'))).toBe(true);
    expect(await mails(address)).toMatchObject([{ actif: 'Y' }]);
    expect(await jobsOf(address)).toEqual([]);
  });

  it('a box put back into service in Gloux before its purge runs is never deleted (the job ends cancelled)', async () => {
    app.clock.set(new Date('2026-12-07T10:00:00Z'));
    const address = 'revenue@purge.example';
    await create(address);
    fill(address);
    await command({ action: 'delete', address });
    // Gloux's own screens switch the box back on (Gloux knows nothing of g2_mailbox_deletions).
    await app.db.run((q) => q.execute(`UPDATE mails SET actif = 'Y' WHERE adresse = ?`, [address]));
    expect(await day('2026-12-21')).toEqual([address]);
    expect(await jobsOf(address)).toMatchObject([{ status: 'cancelled' }]);
    expect(existsSync(join(box(address), 'Maildir', 'cur', '1.host:2,S'))).toBe(true);
    expect(await mails(address)).toHaveLength(1);
    expect(await mailEvents(1, address)).not.toContain('MailboxPurged');
  });

  it('never deletes out of the mail root: a maildir row led elsewhere or a symlink fails the job (cancel still refused), « relancer » once the disk is fixed', async () => {
    app.clock.set(new Date('2026-12-07T10:00:00Z'));
    const [detour, link] = ['detour@purge.example', 'lien@purge.example'];
    for (const address of [detour, link]) {
      await create(address);
      fill(address);
      await command({ action: 'delete', address });
    }
    writeFileSync(join(outside, 'precious'), 'keep');
    // Someone changed the row in Gloux: the purge must not follow it.
    await app.db.run((q) =>
      q.execute(`UPDATE mails SET maildir = ? WHERE adresse = ?`, [`${outside}/`, detour]),
    );
    // The other box's folder became a symlink leading out of the mail root.
    rmSync(box(link), { recursive: true });
    symlinkSync(outside, box(link));
    expect(await day('2026-12-22')).toEqual([detour, link]);
    // Retried once later, then failed: shown on /admin/provisionnement with « Relancer ».
    app.clock.set(new Date('2026-12-22T10:00:05Z'));
    await app.settle();
    const [failedDetour] = await jobsOf(detour);
    const [failedLink] = await jobsOf(link);
    expect([failedDetour!.status, failedLink!.status]).toEqual(['failed', 'failed']);
    expect(failedDetour!.last_error).toContain("n'est pas");
    expect(failedLink!.last_error).toContain('lien symbolique');
    expect(readdirSync(outside)).toEqual(['precious']);
    expect(existsSync(join(box(detour), 'Maildir', 'cur', '1.host:2,S'))).toBe(true);
    // Purging: the cooperator can no longer cancel; the boxes stay off and their addresses taken.
    const refused = await refusal(
      command({ action: 'restore', address: detour }),
      'conflict',
      'adresse',
    );
    expect(refused.message).toContain('ne peut plus être annulée');
    expect(await mails(detour)).toMatchObject([{ actif: 'N' }]);
    expect(await app.db.run((q) => hostingNameHolder(q, 'mailbox', link))).toBe(hostingStream(1));
    // The operator removes the symlink and runs the job again: the box is purged.
    rmSync(box(link));
    expect(await app.context.get(JobQueue).retry(Number(failedLink!.id))).toBe(true);
    await app.settle();
    expect(await jobsOf(link)).toMatchObject([{ status: 'done' }]);
    expect(await mails(link)).toEqual([]);
    expect(await app.db.run((q) => hostingNameHolder(q, 'mailbox', link))).toBeNull();
    expect(readdirSync(outside)).toEqual(['precious']);
  });

  it('a purge killed after its rename completes on the next run', async () => {
    app.clock.set(new Date('2026-12-07T10:00:00Z'));
    const address = 'coupee@purge.example';
    const created = await create(address);
    fill(address);
    await command({ action: 'delete', address });
    // What a run killed between its rename and its rm leaves: the renamed copy, no maildir.
    const renamed = join(
      mailRoot,
      'purge.example',
      `.deleted-${created.mailboxId}-1765100000-4242`,
    );
    spawnSync('mv', ['-T', box(address), renamed]);
    expect(await day('2026-12-23')).toEqual([address]);
    expect(await jobsOf(address)).toMatchObject([{ status: 'done' }]);
    expect(existsSync(renamed)).toBe(false);
    expect(await mails(address)).toEqual([]);
  });

  it('a closing hosting sends all its live boxes into deferred deletion; a suspension changes nothing', async () => {
    app.clock.set(new Date('2026-12-07T10:00:00Z'));
    const [a, b] = ['un@ferme.example', 'deux@ferme.example'];
    await create(a, 2);
    await create(b, 2);
    await command({ action: 'delete', address: b }, 2);
    const account = (type: string, data: Record<string, unknown>, accountId: string) =>
      app.pipeline.execute({
        commandType: 'Test',
        actor: 'test',
        now: app.clock.now(),
        request: {},
        decide: async () => ({
          appends: [
            {
              streamId: `account-${accountId}`,
              expectedVersion: 'any',
              events: [{ type, data: { accountId, ...data } }],
            },
          ],
          result: null,
        }),
      });
    // A suspension of hosting 1 leaves its boxes alone.
    await account('AccountSuspended', { reason: 'admin', note: 'test', on: '2026-12-09' }, '1');
    app.clock.set(new Date('2026-12-09T10:00:00Z'));
    await account('AccountClosed', { on: '2026-12-09', note: 'fermeture' }, '2');
    await app.settle();
    const requests = (await app.db.run((q) => readStream(q, hostingStream(2))))
      .filter((e) => e.type === 'MailboxDeletionRequested')
      .map((e) => e.data as { address: string; reason: string; purgeAfter: string });
    expect(requests.map((r) => [r.address, r.reason, r.purgeAfter])).toEqual([
      [b, 'requested', '2026-12-14'],
      [a, 'hosting_closed', '2026-12-16'],
    ]);
    expect(await mails(a)).toMatchObject([{ actif: 'N' }]);
    expect(await app.count('g2_mailbox_deletions', 'address = ?', [a])).toBe(1);
    const hosting1 = (await app.db.run((q) => readStream(q, hostingStream(1)))).filter(
      (e) => (e.data as { reason?: string }).reason === 'hosting_closed',
    );
    expect(hosting1).toEqual([]);
    // The same closure seen again (a follower restarted) requests nothing more.
    await app.settle();
    expect(
      (await app.db.run((q) => readStream(q, hostingStream(2)))).filter(
        (e) => e.type === 'MailboxDeletionRequested',
      ),
    ).toHaveLength(2);
  });
});
