import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { MonthlyEstimate } from '../../domain/overage/events.js';
import { addDays } from '../../domain/shared/day.js';
import { Money } from '../../domain/shared/money.js';
import { insertLegacyMailbox } from '../../legacy-sync/legacy-mail-usage.js';
import { MailUsageController } from '../../src/hosting/mail/mail-usage.controller.js';
import { HostingController } from '../../src/hosting/hosting.controller.js';
import { OverageService } from '../../src/overage/overage.service.js';
import { AppHarness } from '../support/app-harness.js';
import { cooperator, STAFF } from '../support/auth-users.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';

jest.setTimeout(120_000);

const MO = 1024;
const GO = 1024 * 1024;
const TODAY = '2026-03-10';
const staff = STAFF;
const anne = cooperator('anne', ['1']);

/**
 * The accounting page of annelef (hosting 1: 400 Mo of disk included, its plan and the DISQUE100
 * option) on SQLite and MariaDB, from g2_mail_usage rows and Gloux's latest disk reading; and
 * the estimate it shows equal to what the overage run decides for the same figures (the
 * overage module's own events).
 */
describe.each(dialects)('the mail accounting page on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  const usage = async (day: string, address: string, kb: number, quotaMb: number, hostingId = 1) =>
    app.db.run((q) =>
      q.execute(
        `INSERT INTO g2_mail_usage (day, address, hosting_id, domain, used_kb, quota_mb) VALUES (?, ?, ?, ?, ?, ?)`,
        [day, address, hostingId, address.slice(address.indexOf('@') + 1), kb, quotaMb],
      ),
    );

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, { now: `${TODAY}T09:00:00Z` });
    await app.db.run(async (q) => {
      await q.execute(`DELETE FROM mails`);
      await q.execute(`DELETE FROM mesures_disque`);
      await q.execute(
        `UPDATE hebergements SET quota_disque_mo = 400, nb_mails = 2 WHERE id_hebergement = 1`,
      );
      // Gloux's catalogue (sample data): the plan's 300 Mo and 20 boxes, DISQUE100's 100 Mo.
      await q.execute(
        `UPDATE produits SET quota_disque_mo = 300, nb_mails = 20 WHERE id_produit = 1`,
      );
      await q.execute(
        `UPDATE produits SET unite = 'Mo', quantite_unite = 100 WHERE id_produit = 2`,
      );
      await q.execute(`DELETE FROM hebergements_options WHERE id_hebergement = 1`);
      // DISQUE100 running, MYSQL1 (no disk, no box), two DISQUE100 ended years ago.
      await q.execute(
        `INSERT INTO hebergements_options (id_hebergement, id_produit, quantite, date_debut, date_fin) VALUES
           (1, 2, 1, '2006-10-01', '0000-00-00'), (1, 3, 1, '2008-11-20', '0000-00-00'), (1, 2, 2, '2001-01-01', '2005-12-31')`,
      );
      for (const [address, quota] of [
        ['anne@example.org', 100],
        ['contact@example.org', 1],
        ['archives@anne-lefevre.fr', 0],
      ] as const)
        await insertLegacyMailbox(q, {
          hostingId: 1,
          domainId: 1,
          address,
          maildir: `/var/mail/${address.split('@')[1]}/${address.split('@')[0]}/`,
          quotaMb: quota,
        });
    });
    // Twelve months and more of history: the oldest day falls outside the chart.
    await usage(addDays(TODAY, -400), 'anne@example.org', 100, 100);
    for (let d = 40; d >= 1; d -= 1)
      await usage(addDays(TODAY, -d), 'anne@example.org', 1000 * (41 - d), 100);
    await usage(TODAY, 'anne@example.org', 20_480, 100);
    await usage(TODAY, 'contact@example.org', 1536, 1);
    await usage(TODAY, 'archives@anne-lefevre.fr', 3 * GO, 0);
    // Another hosting's box is not annelef's.
    await usage(TODAY, 'bureau@lesamis.example', 5000, 200, 2);
    // Gloux's reading of the day: web and MySQL, and the same mail as the collector's.
    const mailKb = 20_480 + 1536 + 3 * GO;
    await app.db.run((q) =>
      q.execute(
        `INSERT INTO mesures_disque (id_hebergement, annee, mois, jour, ts, web_ko, mail_ko, mysql_ko, trafic_ko) VALUES (1, 2026, 3, 10, 0, 300000, ?, 3200, 0)`,
        [mailKb],
      ),
    );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const page = () => app.context.get(MailUsageController).data(staff, '1');

  it('shows each box, each domain and the total, with its quota and share; a box over 2 GB exactly', async () => {
    const p = await page();
    expect(p.on).toBe(TODAY);
    expect(p.boxes.map((b) => [b.address, b.usedKb, b.quotaMb, b.percent, b.over])).toEqual([
      ['archives@anne-lefevre.fr', 3 * GO, null, null, false],
      ['anne@example.org', 20_480, 100, '20.0', false],
      ['contact@example.org', 1536, 1, '150.0', true],
    ]);
    expect(p.domains).toEqual([
      { domain: 'anne-lefevre.fr', boxes: 1, usedKb: 3 * GO, quotaMb: null, percent: null },
      { domain: 'example.org', boxes: 2, usedKb: 22_016, quotaMb: 101, percent: '21.3' },
    ]);
    expect(p.total).toEqual({ boxes: 3, usedKb: 3 * GO + 22_016, quotaMb: null, percent: null });
    expect(p.history).toHaveLength(41);
    expect(p.history[0]).toEqual({ day: addDays(TODAY, -40), usedKb: 1000, boxes: 1 });
    expect(p.history[40]).toEqual({ day: TODAY, usedKb: 3 * GO + 22_016, boxes: 3 });
  });

  it('sets the hosting’s disk (web + MySQL + mail) against the plan and its options, and the boxes against the allowance', async () => {
    const p = await page();
    expect(p.allowance.diskMb).toBe(400);
    expect(p.allowance.parts).toEqual([
      { label: 'Plaque de base', quantity: 1, diskMb: 300, mailboxes: 20 },
      { label: 'Espace disque supplémentaire (100 Mo)', quantity: 1, diskMb: 100, mailboxes: 0 },
    ]);
    expect(p.disk).toMatchObject({
      measured: 303_200 + 3 * GO + 22_016,
      included: 400 * MO,
      mailKb: 3 * GO + 22_016,
      otherKb: 303_200,
    });
    expect(p.disk?.excess).toBe(303_200 + 3 * GO + 22_016 - 400 * MO);
    expect(p.mailboxes).toMatchObject({ measured: 3, included: 2, excess: 1 });
  });

  it('estimates the monthly cost of the current overage as the overage run decides it for the same figures', async () => {
    const p = await page();
    await app.context.get(OverageService).run(TODAY);
    const detected = await app.db.query<{ data: string }>(
      `SELECT data FROM g2_events WHERE stream_id = 'overage-1' AND type = 'OverageDetected' ORDER BY position`,
    );
    const decided = Object.fromEntries(
      detected.map((r) => {
        const d = JSON.parse(r.data) as { resource: string; estimate: MonthlyEstimate };
        return [d.resource, d.estimate];
      }),
    );
    expect(decided.disk).toEqual(p.disk?.estimate);
    expect(decided.mail).toEqual(p.mailboxes?.estimate);
    // 3 389.6 Mo used for 400 Mo: 30 started blocks of 100 Mo at DISQUE100's 5.02 / 12; one box more.
    expect(decided.disk).toMatchObject({ quantity: '30', unitNet: '0.4183', net: '12.55' });
    expect(decided.mail?.quantity).toBe('1');
    expect(p.estimate.total).toBe(
      Money.of(decided.disk!.total).plus(Money.of(decided.mail!.total)).toString(),
    );
    expect(p.estimate.net).toBe(
      Money.of(decided.disk!.net).plus(Money.of(decided.mail!.net)).toString(),
    );
  });

  it('prints the figures on the page, and the hosting page links to it', async () => {
    const view = await app.context.get(MailUsageController).page(anne, '1');
    expect(view.boxes.map((b) => [b.address, b.usedText, b.quotaText, b.percentText])).toEqual([
      ['archives@anne-lefevre.fr', '3,0 Go', 'aucun', 'sans quota'],
      ['anne@example.org', '20,0 Mo', '100,0 Mo', '20,0 %'],
      ['contact@example.org', '1,5 Mo', '1,0 Mo', '150,0 %'],
    ]);
    expect(view.total.usedText).toBe('3,0 Go');
    expect(view.chart).toContain('<path d="M');
    expect(view.chart).toContain('aria-label="Courrier du 10/03/2025 au 10/03/2026');
    expect(view.recent).toHaveLength(31);
    const hosting = await app.context.get(HostingController).data(anne, '1');
    expect((hosting as Record<string, unknown>).mailUsage).toMatchObject({
      on: TODAY,
      boxes: 3,
      used: '3,0 Go',
      over: 1,
      estimate: view.estimate,
    });
  });

  it('another hosting shows its own boxes only; a day before any figure shows none', async () => {
    const other = await app.context.get(MailUsageController).data(staff, '2');
    expect(other.boxes.map((b) => b.address)).toEqual(['bureau@lesamis.example']);
    app.clock.set(new Date('2025-01-01T09:00:00Z'));
    try {
      const p = await page();
      expect([p.on, p.boxes, p.history, p.total.usedKb]).toEqual([null, [], [], 0]);
      expect(p.mailboxes).toMatchObject({ measured: 3, included: 2, excess: 1 });
    } finally {
      app.clock.set(new Date(`${TODAY}T09:00:00Z`));
    }
  });
});
