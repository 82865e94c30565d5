import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { hostingStream } from '../../domain/hosting/events.js';
import type { DomainNameEvent } from '../../domain/hosting/domain-events.js';
import {
  conflictsOfHosting,
  HOSTING_MIRROR_CHECKPOINT,
  LegacyHostingMirror,
} from '../../legacy-sync/legacy-hosting-mirror.js';
import { nameTakenInGloux } from '../../legacy-sync/legacy-hosting-inventory.js';
import { authUserOf } from '../../src/auth/auth-user.js';
import { HostingAccess } from '../../src/hosting/hosting-access.js';
import {
  claimHostingName,
  hostingNameHolder,
  releaseHostingName,
} from '../../src/kernel/hosting-names.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { refusal } from '../support/refusal.js';

jest.setTimeout(120_000);

/**
 * The hosting foundation (issue 18): names claimed once across commands and checked against
 * Gloux's own tables, the mirror of the hosting events into Gloux's tables (idempotent, a name
 * Gloux took in between recorded as a conflict, never overwritten), and who manages which
 * hosting.
 */
describe.each(dialects)('the hosting foundation on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  const at = new Date('2026-12-07T10:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, { now: '2026-12-07T10:00:00Z' });
    // Hosting 1 (customer 1) exists in both Gloux data sets; a domain of Gloux's own on it.
    if (dialect === 'sqlite')
      await exec(
        `INSERT INTO domaines (domaine, id_hebergement, id_soa, date_ajout) VALUES ('example.org', 1, 0, '2004-03-02 10:00:00')`,
      );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const exec = (sql: string, params: unknown[] = []) => app.db.run((q) => q.execute(sql, params));

  const claim = (name: string, streamId: string) =>
    app.db.transaction((tx) =>
      claimHostingName(tx, { kind: 'domain', name, streamId, at, field: 'domaine' }),
    );

  /** Appends hosting events as a command would, then lets the mirror write them. */
  async function record(hostingId: number, ...events: DomainNameEvent[]) {
    await app.pipeline.run({
      commandType: 'Test',
      actor: 'test',
      now: app.clock.now(),
      request: events,
      decide: async () => ({
        appends: [{ streamId: hostingStream(hostingId), expectedVersion: 'any', events }],
        result: null,
      }),
    });
    await app.settle();
  }

  const mirror = () => app.context.get(LegacyHostingMirror);

  it('claims a name once: a second stream is refused in French, the holder keeps it', async () => {
    await claim('claimed.example', 'hosting-1');
    const refused = await refusal(claim('claimed.example', 'hosting-2'), 'name_taken', 'domaine');
    expect(refused.message).toContain('claimed.example est déjà enregistré');
    expect(await hostingNameHolder(app.db, 'domain', 'claimed.example')).toBe('hosting-1');
    // The holder asking again (a retried command) is not refused.
    await claim('claimed.example', 'hosting-1');
    // Released by another stream: nothing; by its holder: free again.
    await app.db.transaction((tx) =>
      releaseHostingName(tx, 'domain', 'claimed.example', 'hosting-2'),
    );
    expect(await hostingNameHolder(app.db, 'domain', 'claimed.example')).toBe('hosting-1');
    await app.db.transaction((tx) =>
      releaseHostingName(tx, 'domain', 'claimed.example', 'hosting-1'),
    );
    await claim('claimed.example', 'hosting-2');
  });

  it('lets one of two concurrent claims win, and rolls the loser’s command back', async () => {
    const outcomes = await Promise.allSettled(
      [3, 4, 5].map((n) =>
        app.db.transaction(async (tx) => {
          await tx.execute(
            `INSERT INTO g2_checkpoints (name, position, updated_at) VALUES (?, 0, '')`,
            [`race-${n}`],
          );
          await claimHostingName(tx, {
            kind: 'ftp_login',
            name: 'racer',
            streamId: `hosting-${n}`,
            at,
            field: 'login',
          });
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected'))
      expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'name_taken' });
    // Only the winner's other writes were kept.
    expect(await app.count('g2_checkpoints', `name LIKE 'race-%'`)).toBe(1);
  });

  it('finds a name in Gloux’s own tables, whatever its case', async () => {
    expect(await app.db.run((q) => nameTakenInGloux(q, 'domain', 'EXAMPLE.org'))).toEqual({
      hostingId: 1,
    });
    expect(await app.db.run((q) => nameTakenInGloux(q, 'domain', 'free.example'))).toBeNull();
  });

  it('mirrors DomainAdded into domaines, soa and the default records, once', async () => {
    await record(1, {
      type: 'DomainAdded',
      data: { hostingId: 1, domain: 'new-site.example', manageDns: true, manageMx: true },
    });
    const [domain] = await app.db.query<Record<string, unknown>>(
      `SELECT id_hebergement, id_soa, gere_dns, gere_mx, date_ajout FROM domaines WHERE domaine = 'new-site.example'`,
    );
    expect(domain).toMatchObject({
      gere_dns: 'O',
      gere_mx: 'O',
      date_ajout: '2026-12-07 11:00:00',
    });
    expect(Number(domain!.id_hebergement)).toBe(1);
    const [soa] = await app.db.query<Record<string, unknown>>(
      `SELECT origin, ns, mbox, serial, active FROM soa WHERE id = ?`,
      [Number(domain!.id_soa)],
    );
    expect(soa).toMatchObject({
      origin: 'new-site.example.',
      ns: 'ns1.ouvaton.coop.',
      mbox: 'hostmaster.ouvaton.coop.',
      active: 'Y',
    });
    expect(Number(soa!.serial)).toBe(2026120700);
    const records = async () =>
      (
        await app.db.query<{ type: string; data: unknown; aux: number | string }>(
          `SELECT type, data, aux FROM rr WHERE zone = ? ORDER BY type`,
          [Number(domain!.id_soa)],
        )
      ).map((r) => `${r.type} ${Number(r.aux)} ${String(r.data)}`);
    expect(await records()).toEqual(['MX 10 mx.ouvaton.coop.', 'NS 0 ns1.ouvaton.coop.']);

    // A crash before the checkpoint: the event is mirrored again and finds its own rows.
    await exec(`UPDATE g2_checkpoints SET position = 0 WHERE name = ?`, [
      HOSTING_MIRROR_CHECKPOINT,
    ]);
    await mirror().drain();
    expect(await app.count('domaines', `domaine = 'new-site.example'`)).toBe(1);
    expect(await app.count('soa', `origin = 'new-site.example.'`)).toBe(1);
    expect(await records()).toHaveLength(2);
    expect(await app.db.run((q) => conflictsOfHosting(q, 1))).toEqual([]);
  });

  it('records a name Gloux took in between as a conflict, and leaves Gloux’s row alone', async () => {
    await exec(
      `INSERT INTO domaines (domaine, id_hebergement, id_soa, date_ajout) VALUES ('raced.example', 2, 0, '2026-12-07 10:59:59')`,
    );
    await record(1, {
      type: 'DomainAdded',
      data: { hostingId: 1, domain: 'raced.example', manageDns: true, manageMx: false },
    });
    const [row] = await app.db.query<{ id_hebergement: number | string }>(
      `SELECT id_hebergement FROM domaines WHERE domaine = 'raced.example'`,
    );
    expect(Number(row!.id_hebergement)).toBe(2);
    expect(await app.count('soa', `origin = 'raced.example.'`)).toBe(0);
    const conflicts = await app.db.run((q) => conflictsOfHosting(q, 1));
    expect(conflicts).toEqual([expect.objectContaining({ kind: 'domain', name: 'raced.example' })]);
    expect(conflicts[0]!.detail).toContain('la ligne de Gloux est gardée');
  });

  it('mirrors DomainRemoved: the row and its zone go, only while the hosting holds it', async () => {
    const [before] = await app.db.query<{ id_soa: number | string }>(
      `SELECT id_soa FROM domaines WHERE domaine = 'new-site.example'`,
    );
    await record(1, { type: 'DomainRemoved', data: { hostingId: 1, domain: 'new-site.example' } });
    expect(await app.count('domaines', `domaine = 'new-site.example'`)).toBe(0);
    expect(await app.count('soa', 'id = ?', [Number(before!.id_soa)])).toBe(0);
    expect(await app.count('rr', 'zone = ?', [Number(before!.id_soa)])).toBe(0);
    // raced.example is hosting 2's in Gloux: hosting 1 removing it leaves it.
    await record(1, { type: 'DomainRemoved', data: { hostingId: 1, domain: 'raced.example' } });
    expect(await app.count('domaines', `domaine = 'raced.example'`)).toBe(1);
  });

  it('lets a cooperator manage their own hostings only, staff any', async () => {
    const access = app.context.get(HostingAccess);
    const anne = authUserOf({ userId: '1', login: 'anne', roles: ['client'], tiersId: '1' }, ['1']);
    const other = authUserOf({ userId: '9', login: 'x', roles: ['client'], tiersId: '2' }, ['2']);
    const staff = authUserOf({ userId: '8', login: 'c', roles: ['compta'], tiersId: null }, []);
    expect((await access.manageable(anne, '1')).hostingId).toBe(1);
    expect((await access.mine(anne)).map((h) => h.hostingId)).toEqual([1]);
    await expect(access.manageable(other, '1')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(access.manageable(other, '999')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(access.manageableByName(other, 'annelef')).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await access.manageableByName(staff, 'annelef')).hostingId).toBe(1);
    await refusal(access.manageable(staff, '999'), 'not_found', 'id');
  });
});
