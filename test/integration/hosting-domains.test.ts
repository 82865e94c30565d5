import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { exportZone } from '../../domain/hosting/dns-export.js';
import type { DnsRecordType } from '../../domain/hosting/dns-records.js';
import {
  AddDomainCommand,
  RemoveDomainCommand,
  type DomainCommandResult,
} from '../../src/hosting/domains.commands.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { namedCheckzone } from '../support/named-checkzone.js';
import { refusal } from '../support/refusal.js';

jest.setTimeout(180_000);

/**
 * A hosting's domains through gloux2's commands (issue 18 "Domains"), on both databases: what
 * lands in Gloux's domaines/soa/rr, IDN, and every refusal leaving nothing written.
 */
describe.each(dialects)('domains of a hosting on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, { now: '2026-12-07T10:00:00Z' });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const add = (hostingId: number, domain: string, manageMx = true) =>
    app.context
      .get(CommandBus)
      .execute<AddDomainCommand, DomainCommandResult>(
        new AddDomainCommand(hostingId, { domain, manageDns: true, manageMx }, 'test'),
      );
  const remove = (hostingId: number, domain: string) =>
    app.context
      .get(CommandBus)
      .execute<RemoveDomainCommand, DomainCommandResult>(
        new RemoveDomainCommand(hostingId, domain, 'test'),
      );
  const exec = (sql: string, params: unknown[] = []) => app.db.run((q) => q.execute(sql, params));
  /** What a refused command must leave: no event, no claim, no Gloux row. */
  const untouched = async (check: () => Promise<unknown>) => {
    const events = await app.count('g2_events');
    const claims = await app.count('g2_hosting_names');
    const domains = await app.count('domaines');
    await check();
    await app.settle();
    expect([await app.count('g2_events'), await app.count('g2_hosting_names')]).toEqual([
      events,
      claims,
    ]);
    expect(await app.count('domaines')).toBe(domains);
  };

  async function zoneOf(domain: string) {
    const [soa] = await app.db.query<Record<string, number | string>>(
      `SELECT s.* FROM soa s JOIN domaines d ON d.id_soa = s.id WHERE d.domaine = ?`,
      [domain],
    );
    const rr = await app.db.query<{
      name: string;
      type: string;
      data: unknown;
      aux: number;
      ttl: number;
    }>(`SELECT name, type, data, aux, ttl FROM rr WHERE zone = ?`, [Number(soa!.id)]);
    return exportZone(
      {
        origin: String(soa!.origin),
        ns: String(soa!.ns),
        mbox: String(soa!.mbox),
        serial: Number(soa!.serial),
        refresh: Number(soa!.refresh),
        retry: Number(soa!.retry),
        expire: Number(soa!.expire),
        minimum: Number(soa!.minimum),
        ttl: Number(soa!.ttl),
      },
      rr.map((r) => ({
        name: r.name,
        type: r.type as DnsRecordType,
        data: String(r.data),
        aux: Number(r.aux),
        ttl: Number(r.ttl),
      })),
    );
  }

  it('adds an IDN as punycode, with its zone as Gloux creates one, which named-checkzone passes', async () => {
    const done = await add(1, ' Café-Test.FR ');
    expect(done).toEqual({ hostingId: 1, domain: 'xn--caf-test-d1a.fr', display: 'café-test.fr' });
    await app.settle();
    const [row] = await app.db.query<Record<string, unknown>>(
      `SELECT id_hebergement, gere_dns, gere_mx, id_soa FROM domaines WHERE domaine = 'xn--caf-test-d1a.fr'`,
    );
    expect(row).toMatchObject({ gere_dns: 'O', gere_mx: 'O' });
    expect(Number(row!.id_hebergement)).toBe(1);
    const zone = await zoneOf('xn--caf-test-d1a.fr');
    expect(zone).toContain('xn--caf-test-d1a.fr.');
    expect(zone).toContain('2026120700');
    expect(zone).toMatch(/IN\s+NS\s+ns1\.ouvaton\.coop\./);
    expect(zone).toMatch(/IN\s+MX\s+10 mx\.ouvaton\.coop\./);
    expect(namedCheckzone('xn--caf-test-d1a.fr', zone)).toMatchObject({ ok: true });
    expect(
      await app.count('g2_hosting_names', `kind = 'domain' AND name = 'xn--caf-test-d1a.fr'`),
    ).toBe(1);
  });

  it('refuses a domain Gloux took a moment before, writing nothing', async () => {
    await exec(
      `INSERT INTO domaines (domaine, id_hebergement, id_soa, date_ajout) VALUES ('pris-dans-gloux.fr', 2, 0, '2026-12-07 10:59:00')`,
    );
    await untouched(async () => {
      const error = await refusal(add(1, 'pris-dans-gloux.fr'), 'name_taken', 'domaine');
      expect(error.message).toContain('déjà enregistré');
    });
  });

  it('refuses a name claimed by another hosting in gloux2, and the same name twice', async () => {
    await untouched(() => refusal(add(2, 'café-test.fr'), 'name_taken', 'domaine'));
    await untouched(() => refusal(add(1, 'XN--CAF-TEST-D1A.FR'), 'name_taken', 'domaine'));
  });

  it('refuses a bad name and the cooperative’s own names, writing nothing', async () => {
    for (const bad of ['pas un domaine', 'x', 'a_b.fr', 'monsite.ouvaton.org', 'ouvaton.coop'])
      await untouched(() => refusal(add(1, bad), 'invalid_input', 'domaine'));
  });

  it('refuses to remove a domain a web space or a mailbox uses, listing them', async () => {
    await add(1, 'utilise.fr');
    await app.settle();
    const [d] = await app.db.query<{ id_domaine: number | string }>(
      `SELECT id_domaine FROM domaines WHERE domaine = 'utilise.fr'`,
    );
    await exec(
      `INSERT INTO vhosts (id_hebergement, id_domaine, nom_hote, racine, alias) VALUES (1, ?, 'www.utilise.fr', '/www', '')`,
      [Number(d!.id_domaine)],
    );
    await exec(
      `INSERT INTO mails (id_hebergement, id_domaine, adresse, maildir, quota_mo) VALUES (1, ?, 'contact@utilise.fr', '/var/mail/utilise.fr/contact/', 100)`,
      [Number(d!.id_domaine)],
    );
    await untouched(async () => {
      const error = await refusal(remove(1, 'utilise.fr'), 'in_use', 'domaine');
      expect(error.message).toBe(
        'Le domaine utilise.fr est encore utilisé par le site web www.utilise.fr et la boîte aux lettres contact@utilise.fr : supprimez-les d’abord.',
      );
    });
    // Another hosting cannot remove it either.
    await untouched(() => refusal(remove(2, 'utilise.fr'), 'not_found', 'domaine'));
  });

  it('refuses to remove a domain whose mail a redirection or a catch-all still takes', async () => {
    await add(1, 'redirige.fr');
    await app.settle();
    await exec(
      `INSERT INTO mails_redirections (id_hebergement, source, destinations) VALUES (1, '@redirige.fr', 'anne@example.org')`,
    );
    await untouched(async () => {
      const error = await refusal(remove(1, 'redirige.fr'), 'in_use', 'domaine');
      expect(error.message).toBe(
        'Le domaine redirige.fr est encore utilisé par la redirection de @redirige.fr : supprimez-les d’abord.',
      );
    });
    await exec(`DELETE FROM mails_redirections WHERE source = '@redirige.fr'`);
    await remove(1, 'redirige.fr');
  });

  it('counts a mailbox gloux2 has taken before the mirror writes its row', async () => {
    await add(1, 'reserve.fr');
    await app.settle();
    await exec(
      `INSERT INTO g2_hosting_names (kind, name, stream_id, claimed_at) VALUES ('mailbox', 'a@reserve.fr', 'hosting-1', '2026-12-07 10:00:00.000')`,
    );
    await untouched(() => refusal(remove(1, 'reserve.fr'), 'in_use', 'domaine'));
    await exec(`DELETE FROM g2_hosting_names WHERE kind = 'mailbox' AND name = 'a@reserve.fr'`);
  });

  it('removes a domain nothing uses, its zone with it, and frees the name', async () => {
    const [d] = await app.db.query<{ id_soa: number | string }>(
      `SELECT id_soa FROM domaines WHERE domaine = 'xn--caf-test-d1a.fr'`,
    );
    expect(await remove(1, 'café-test.fr')).toEqual({
      hostingId: 1,
      domain: 'xn--caf-test-d1a.fr',
      display: 'café-test.fr',
    });
    await app.settle();
    expect(await app.count('domaines', `domaine = 'xn--caf-test-d1a.fr'`)).toBe(0);
    expect(await app.count('soa', 'id = ?', [Number(d!.id_soa)])).toBe(0);
    expect(await app.count('rr', 'zone = ?', [Number(d!.id_soa)])).toBe(0);
    expect(await app.count('g2_hosting_names', `name = 'xn--caf-test-d1a.fr'`)).toBe(0);
    // Another hosting may take it now.
    await add(2, 'café-test.fr', false);
    await app.settle();
    const [row] = await app.db.query<{ id_hebergement: number | string; gere_mx: string }>(
      `SELECT id_hebergement, gere_mx FROM domaines WHERE domaine = 'xn--caf-test-d1a.fr'`,
    );
    expect([Number(row!.id_hebergement), row!.gere_mx]).toEqual([2, 'N']);
  });
});
