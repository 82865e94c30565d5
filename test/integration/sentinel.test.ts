import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DomainError } from '../../domain/shared/errors.js';
import { OverUsersController } from '../../src/hosting/sentinel/over-users.controller.js';
import { sentinelRunCli } from '../../src/hosting/sentinel/sentinel.cli.js';
import { SentinelService } from '../../src/hosting/sentinel/sentinel.service.js';
import { LIFECYCLE_CONFIG, loadLifecycleConfig } from '../../src/kernel/config.js';
import { Db } from '../../src/kernel/database/db.js';
import { ADMIN_EXPECTED } from '../../src/panel/home.controller.js';
import { HomeTiles } from '../../src/panel/home-tiles.js';
import { DEMO, httpClient, type HttpClient } from '../e2e/http-client.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { startDemoApp, type DemoApp } from '../support/demo-app.js';
import { TestSmtp } from '../support/lifecycle-kit.js';

jest.setTimeout(180_000);

const ADMINS = 'admins@ouvaton.example';
const ANNE = 'anne@lefevre.example';
const AMIS = 'bureau@amis.example';

/**
 * The mailbox sentinel (issue 19, for admins) on SQLite and MariaDB, with Gloux's members of
 * hostings 1 (Anne Lefèvre, anne@example.org) and 2 (Association Les Amis): the runs of
 * `sentinel:run` day by day e-mail the member once per episode and again when worse, a re-run
 * sends nothing, the admins get a summary; then the top over-users ranks the boxes.
 */
describe.each(dialects)('the sentinel on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let smtp: TestSmtp;

  const usage = (day: string, address: string, hostingId: number, percent: number, quotaMb = 100) =>
    app.db.query(
      `INSERT INTO g2_mail_usage (day, address, hosting_id, domain, used_kb, quota_mb) VALUES (?, ?, ?, ?, ?, ?)`,
      [
        day,
        address,
        hostingId,
        address.split('@')[1],
        Math.round((quotaMb * 1024 * percent) / 100),
        quotaMb,
      ],
    );
  const run = (on: string) => app.context.get(SentinelService).run(on);
  const alerts = () =>
    app.db.query<{ address: string; day: string; level: string; reason: string }>(
      `SELECT address, day, level, reason FROM g2_sentinel_alerts ORDER BY id`,
    );
  /** [to, subject] of every message the SMTP server got, once it has `count` (polls for them). */
  const received = async (count: number) => {
    const deadline = Date.now() + 30_000;
    while (smtp.received.length < count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    return smtp.received.map((m) => [m.to, m.subject]);
  };

  beforeAll(async () => {
    smtp = await TestSmtp.start();
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, {
      now: '2026-11-20T09:00:00Z',
      overrides: [
        [
          LIFECYCLE_CONFIG,
          {
            ...loadLifecycleConfig({ NODE_ENV: 'test', PANEL_URL: 'https://gestion.example' }),
            smtpUrl: smtp.url,
            retryBaseMs: 0,
            adminEmail: ADMINS,
          },
        ],
      ],
    });
    // Gloux's phone for Anne (tiers 1): the summary and the page show it.
    await app.db.query(`UPDATE tiers SET telephone = '01 99 00 12 34' WHERE id_tiers = 1`);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    await smtp?.close();
  });

  it('tells the member once when a box passes 90 %, with the admins’ summary; a re-run sends nothing', async () => {
    await usage('2026-11-10', ANNE, 1, 80);
    expect((await run('2026-11-10')).alerts).toEqual([]);
    await usage('2026-11-11', ANNE, 1, 92);
    const first = await run('2026-11-11');
    expect([
      first.boxesNear,
      first.alerts.map((a) => [a.address, a.level]),
      first.summaryTo,
    ]).toEqual([1, [[ANNE, 'near']], ADMINS]);
    expect(await received(2)).toEqual([
      ['anne@example.org', `Boîte ${ANNE} presque pleine (92 % de son quota)`],
      [ADMINS, 'Sentinelle du 11/11/2026 : 1 boîte mail près de son quota ou au-delà'],
    ]);
    const [member, summary] = smtp.received;
    expect(member!.text).toContain('Bonjour Anne Lefèvre,');
    expect(member!.text).toContain(
      `La boîte aux lettres ${ANNE} (hébergement « annelef ») est presque pleine : elle occupe 92 Mo pour un quota de 100 Mo (92 %), mesuré le 11/11/2026.`,
    );
    expect(member!.text).toContain('supprimez les messages anciens ou volumineux');
    expect(member!.text).toContain(
      'augmentez le quota de la boîte dans votre espace adhérent, s’il reste de l’espace à votre hébergement : https://gestion.example/hebergements/1',
    );
    expect(member!.text).toContain('ajoutez de l’espace disque à votre hébergement');
    expect(member!.html).toContain(`<strong>${ANNE}</strong>`);
    expect(summary!.text).toContain(
      `  - ${ANNE} (annelef) : bientôt pleine, 92 Mo pour 100 Mo (92 %), mesuré le 11/11/2026`,
    );
    expect(summary!.text).toContain('Anne Lefèvre, anne@example.org, 01 99 00 12 34');
    expect(summary!.text).toContain('https://gestion.example/admin/courrier/depassements');

    // The same day again (cron twice, or a run by hand): nothing recorded, nothing sent.
    expect((await run('2026-11-11')).alerts).toEqual([]);
    await app.context.get(SentinelService).run('2026-11-11');
    expect(await app.count('g2_outbox')).toBe(2);
    expect(smtp.received).toHaveLength(2);
  });

  it('says nothing while the box stays near, tells again when it is full, and starts a new episode after it went back under', async () => {
    await usage('2026-11-12', ANNE, 1, 95);
    expect((await run('2026-11-12')).alerts).toEqual([]);
    await usage('2026-11-13', ANNE, 1, 110);
    expect((await run('2026-11-13')).alerts.map((a) => [a.level, a.reason])).toEqual([
      ['full', 'worse'],
    ]);
    await usage('2026-11-14', ANNE, 1, 60);
    expect((await run('2026-11-14')).alerts).toEqual([]);
    await usage('2026-11-15', ANNE, 1, 91);
    expect((await run('2026-11-15')).alerts.map((a) => [a.level, a.reason])).toEqual([
      ['near', 'started'],
    ]);
    expect((await received(6)).filter(([to]) => to !== ADMINS)).toEqual([
      ['anne@example.org', `Boîte ${ANNE} presque pleine (92 % de son quota)`],
      ['anne@example.org', `Boîte ${ANNE} pleine (110 % de son quota)`],
      ['anne@example.org', `Boîte ${ANNE} presque pleine (91 % de son quota)`],
    ]);
    const full = smtp.received.find((m) => m.subject.includes('pleine (110 %'))!;
    expect(full.text).toContain(
      `est pleine : elle occupe 110 Mo pour un quota de 100 Mo (110 %), mesuré le 13/11/2026.`,
    );
    expect(full.text).toContain('Les nouveaux messages qui lui sont adressés sont refusés');
    expect(full.text).toContain('Elle avait dépassé 90 % de son quota le 11/11/2026');
    expect((await alerts()).map((a) => [a.day, a.level, a.reason])).toEqual([
      ['2026-11-11', 'near', 'started'],
      ['2026-11-13', 'full', 'worse'],
      ['2026-11-15', 'near', 'started'],
    ]);
  });

  it('catches up on the days it did not run, for the episode still open', async () => {
    // The Amis' box: 95 % then full while the sentinel was not run; it runs on the 18th.
    await usage('2026-11-16', AMIS, 2, 95, 1000);
    await usage('2026-11-17', AMIS, 2, 101, 1000);
    await usage('2026-11-18', AMIS, 2, 102, 1000);
    const caught = await run('2026-11-18');
    expect(caught.alerts.map((a) => [a.address, a.day, a.level])).toEqual([
      [AMIS, '2026-11-16', 'near'],
      [AMIS, '2026-11-17', 'full'],
    ]);
    const sent = await received(9);
    expect(sent.slice(-3)).toEqual([
      ['bureau@asso.example', `Boîte ${AMIS} presque pleine (95 % de son quota)`],
      ['bureau@asso.example', `Boîte ${AMIS} pleine (101 % de son quota)`],
      [ADMINS, 'Sentinelle du 18/11/2026 : 2 boîtes mail près de leur quota ou au-delà'],
    ]);
    expect(smtp.received.at(-1)!.text).toContain('Association Les Amis, bureau@asso.example');
  });

  it('says on the command line what it sent, and refuses a bad day, sending nothing', async () => {
    // Anne's box of the episode started on the 15th is now full; the Amis' stays full.
    await usage('2026-11-19', ANNE, 1, 105);
    await usage('2026-11-19', AMIS, 2, 103, 1000);
    const out: string[] = [];
    const errors: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((m: string) => out.push(m));
    const error = jest.spyOn(console, 'error').mockImplementation((m: string) => errors.push(m));
    try {
      expect(await sentinelRunCli(app.context, { on: '2026-11-19' })).toBe(0);
      expect(await sentinelRunCli(app.context, { on: '2026-13-01' })).toBe(1);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
    expect(out).toEqual([
      'Sentinelle au 2026-11-19 : 2 boîtes mail à 90 % de leur quota ou plus.',
      '  1 nouvelle alerte.',
      `  ${ANNE} : pleine le 2026-11-19, 105 Mo pour 100 Mo (105 %) → anne@example.org`,
      `  Résumé pour les administrateurs : ${ADMINS}.`,
      '  0 courriel en attente d’envoi.',
    ]);
    expect(errors).toEqual(['--on : Jour invalide (AAAA-MM-JJ).']);
    expect(await app.count('g2_sentinel_alerts')).toBe(3 + 2 + 1);
  });

  it('ranks the boxes over 7 and 30 days by ratio and by volume over, with contacts and alerts', async () => {
    const controller = app.context.get(OverUsersController);
    const month = await controller.data({ periode: '30' });
    expect([month.from, month.to]).toEqual(['2026-10-22', '2026-11-20']);
    // Anne: 110 % of 100 Mo (10 Mo over); the Amis: 103 % of 1000 Mo (30 Mo over).
    expect(month.boxes.map((b) => [b.address, b.peakPercentText, b.peakOverText])).toEqual([
      [ANNE, '110 %', '10 Mo'],
      [AMIS, '103 %', '30 Mo'],
    ]);
    const anne = month.boxes[0]!;
    expect([anne.hostingName, anne.memberName, anne.email, anne.phone, anne.customerId]).toEqual([
      'annelef',
      'Anne Lefèvre',
      'anne@example.org',
      '01 99 00 12 34',
      '1',
    ]);
    expect([anne.daysNear, anne.daysFull, anne.lastText]).toEqual([5, 2, '105 Mo / 100 Mo']);
    expect(anne.alerts.map((a) => [a.day, a.label])).toEqual([
      ['2026-11-11', 'bientôt pleine'],
      ['2026-11-13', 'pleine'],
      ['2026-11-15', 'bientôt pleine'],
      ['2026-11-19', 'pleine'],
    ]);
    const byVolume = await controller.data({ periode: '30', tri: 'volume', ordre: 'desc' });
    expect(byVolume.boxes.map((b) => b.address)).toEqual([AMIS, ANNE]);
    // Over 7 days (14th–20th) Anne's peak is the 19th's 105 %, the Amis' 103 %.
    const week = await controller.data({});
    expect(week.boxes.map((b) => [b.address, b.peakPercentText])).toEqual([
      [ANNE, '105 %'],
      [AMIS, '103 %'],
    ]);
    const byAddress = await controller.data({ tri: 'adresse', ordre: 'desc' });
    expect(byAddress.boxes.map((b) => b.address)).toEqual([AMIS, ANNE]);
    const page = await controller.page({ periode: '30', tri: 'taux', ordre: 'desc' });
    expect(page.headers.volume.href).toBe(
      '/admin/courrier/depassements?periode=30&tri=volume&ordre=asc',
    );
    await expect(controller.data({ periode: '14' })).rejects.toThrow(DomainError);
    const tiles = await app.context.get(HomeTiles).tiles('admin', '2026-11-20', ADMIN_EXPECTED);
    expect(tiles.find((t) => t.slot === 'mail.over')).toMatchObject({
      available: true,
      count: 2,
      href: '/admin/courrier/depassements',
    });
  });
});

/** The page over HTTP on the demo data (what `npm start` shows), as admin and as a cooperator. */
describe('the top over-users page on the demo', () => {
  let demo: DemoApp;
  let admin: HttpClient;
  let jean: HttpClient;

  beforeAll(async () => {
    demo = await startDemoApp();
    admin = httpClient(() => demo.baseUrl, DEMO.admin);
    jean = httpClient(() => demo.baseUrl, DEMO.jean);
  }, 120_000);
  afterAll(() => demo?.close(), 60_000);

  it('shows the demo’s full and nearly full boxes with the member’s contact and the alerts sent', async () => {
    const page = await admin.getPage('/admin/courrier/depassements?periode=30');
    expect(page.status).toBe(200);
    const rows = [...page.html.matchAll(/<tr data-address="([^"]+)">/g)].map((m) => m[1]);
    expect(rows).toEqual(['anne@anne-lefevre.fr', 'factures@webcoop.fr']);
    expect(page.html).toContain('01 99 00 12 34');
    expect(page.html).toContain('<a href="mailto:anne@example.org">anne@example.org</a>');
    expect(page.html).toMatch(/<span class="badge bounced">pleine<\/span>/);
    const home = await admin.getPage('/admin');
    expect(home.html).toContain('href="/admin/courrier/depassements"');
    const outbox = await demo.app
      .get(Db)
      .query<{ kind: string; recipient: string }>(
        `SELECT kind, recipient FROM g2_outbox WHERE kind = 'mail-quota' ORDER BY id`,
      );
    expect(outbox).toEqual([
      { kind: 'mail-quota', recipient: 'admin@webcoop.example' },
      { kind: 'mail-quota', recipient: 'anne@example.org' },
      { kind: 'mail-quota', recipient: 'anne@example.org' },
    ]);
  });

  it('is refused to a cooperator, page and JSON', async () => {
    expect((await jean.getPage('/admin/courrier/depassements')).status).toBe(403);
    const json = await jean.getJson<{ error: { code: string } }>('/api/courrier/depassements');
    expect(json.status).toBe(403);
    const bad = await admin.getJson<{ error: { code: string; field: string } }>(
      '/api/courrier/depassements?periode=14',
    );
    expect([bad.status, bad.body.error.code, bad.body.error.field]).toEqual([
      422,
      'invalid_input',
      'periode',
    ]);
  });
});
