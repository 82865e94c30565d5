import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { accountStream } from '../../domain/accounts/events.js';
import { SignUpCommand, type SignUpResult } from '../../src/auth/sign-up.command.js';
import { overageStream } from '../../domain/overage/events.js';
import { AfterCommit } from '../../src/lifecycle/after-commit.js';
import { LifecycleAdminController } from '../../src/lifecycle/lifecycle-admin.controller.js';
import {
  LIFECYCLE_CONFIG,
  loadLifecycleConfig,
  type LifecycleConfig,
} from '../../src/kernel/config.js';
import { MAIL_CHECKPOINT, MailOutbox } from '../../src/lifecycle/mail-outbox.js';
import { LifecycleService } from '../../src/lifecycle/lifecycle.service.js';
import { AppHarness, cheque, yearLine } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { appendEvents, TestSmtp } from '../support/lifecycle-kit.js';

jest.setTimeout(120_000);

/** The outbox without SMTP (the demo), the overage warning, and no duplicate on a replay. */
describe.each(dialects)('lifecycle e-mails on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let smtp: TestSmtp;
  const base = loadLifecycleConfig({ NODE_ENV: 'test' });

  const start = async (config: LifecycleConfig, seedLegacy = true) => {
    app = await AppHarness.start(database, {
      now: '2026-11-20T09:00:00Z',
      overrides: [[LIFECYCLE_CONFIG, config]],
      seedLegacy,
    });
  };
  const outbox = () =>
    app.db.query<{
      kind: string;
      recipient: string;
      subject: string;
      body_text: string;
      status: string;
    }>(`SELECT kind, recipient, subject, body_text, status FROM g2_outbox ORDER BY id`);

  beforeAll(async () => {
    smtp = await TestSmtp.start();
    database = await createTestDatabase(dialect);
    await start({ ...base, smtpUrl: null });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    await smtp?.close();
  });

  it('keeps the messages in the outbox when no SMTP server is configured, shown to admins', async () => {
    const invoice = await app.issue({
      customerId: '1',
      issuedOn: '2026-11-20',
      lines: [yearLine('Plaque de base', '25.00', '2026-11-20', '2027-11-19')],
    });
    // Announced as soon as it is issued (before the payment, whatever the timing).
    await app.context.get(AfterCommit).settle();
    await app.pay(cheque('1', invoice.invoiceId, '30.00', '2026-11-20', '1234567'));
    await appendEvents(app, overageStream('1'), [
      {
        type: 'OverageDetected',
        data: {
          hostingId: '1',
          customerId: '1',
          hostingName: 'annelef',
          resource: 'disk',
          measured: 412 * 1024,
          quota: 400 * 1024,
          excess: 12 * 1024,
          since: '2026-11-20',
          graceEndsOn: '2026-11-27',
          estimate: {
            quantity: '1',
            unitNet: '0.4183',
            net: '0.42',
            vatRate: '20',
            total: '0.50',
          },
        },
      },
    ]);
    await app.context.get(AfterCommit).settle();
    const rows = await outbox();
    expect(rows.map((r) => [r.kind, r.status, r.recipient])).toEqual([
      ['invoice', 'pending', 'anne@example.org'],
      ['payment', 'pending', 'anne@example.org'],
      ['overage', 'pending', 'anne@example.org'],
    ]);
    expect(rows.shift()!.subject).toBe(
      `Votre facture ${invoice.number} : 30,00 € à régler avant le 19/01/2027`,
    );
    expect(rows[0]!.subject).toBe('Paiement reçu : 30,00 €, merci');
    expect(rows[0]!.body_text).toContain(
      `facture ${invoice.number} : 30,00 € réglés, facture soldée`,
    );
    expect(rows[1]!.subject).toBe('Hébergement annelef : dépassement de quota (espace disque)');
    expect(rows[1]!.body_text).toContain(
      'Espace disque : 412 Mo utilisés pour 400 Mo inclus, soit 12 Mo de dépassement',
    );
    expect(rows[1]!.body_text).toContain('Rien ne vous est facturé avant le 27/11/2026');
    expect(rows[1]!.body_text).toContain('0,50 € TTC');
    const page = await app.context.get(LifecycleAdminController).mails();
    expect(page.smtp).toBe(false);
    expect(page.messages).toHaveLength(3);
  });

  it('sends them once SMTP is configured, and a replay of the log from the start adds none', async () => {
    await app.close();
    await start({ ...base, smtpUrl: smtp.url, retryBaseMs: 0 }, false);
    await app.context.get(AfterCommit).settle();
    expect(smtp.received.map((m) => [m.to, m.subject])).toEqual([
      ['anne@example.org', 'Votre facture F2026-000001 : 30,00 € à régler avant le 19/01/2027'],
      ['anne@example.org', 'Paiement reçu : 30,00 €, merci'],
      ['anne@example.org', 'Hébergement annelef : dépassement de quota (espace disque)'],
    ]);
    expect(smtp.received[2]!.html).toContain('<strong>« annelef »</strong>');
    // As after a crash before the checkpoint moved: everything is read again.
    await app.db.query(`UPDATE g2_checkpoints SET position = 0 WHERE name = ?`, [MAIL_CHECKPOINT]);
    await app.context.get(AfterCommit).settle();
    await app.context.get(MailOutbox).flush();
    expect(await app.count('g2_outbox')).toBe(3);
    expect(smtp.received).toHaveLength(3);
    expect((await outbox()).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('announces a suspension once, even when the same change is taken in twice', async () => {
    const suspended = {
      type: 'AccountSuspended',
      data: { accountId: '1', reason: 'unpaid', note: 'impayé > 60 jours', on: '2026-11-20' },
    };
    await appendEvents(app, accountStream('1'), [
      {
        type: 'AccountOpened',
        data: {
          accountId: '1',
          customerId: '1',
          name: 'annelef',
          openedOn: '2004-03-02',
          trialEndsOn: null,
        },
      },
      suspended,
    ]);
    await appendEvents(app, accountStream('1'), [suspended]);
    await app.context.get(AfterCommit).settle();
    expect(smtp.received.filter((m) => m.subject === 'Hébergement annelef suspendu')).toHaveLength(
      1,
    );
    expect(await app.count('g2_rm_account_suspensions', 'account_id = ?', ['1'])).toBe(1);
  });

  it("confirms Gloux's recent payments, not the years of them a backfill takes in", async () => {
    const glouxPayment = (paymentId: string, receivedOn: string) =>
      app.pipeline.execute({
        commandType: 'Test',
        actor: 'gloux',
        source: 'gloux',
        now: app.clock.now(),
        request: { paymentId },
        decide: async () => ({
          appends: [
            {
              streamId: `payment-${paymentId}`,
              expectedVersion: -1,
              events: [
                {
                  type: 'PaymentRecorded',
                  data: {
                    paymentId,
                    customerId: '1',
                    method: 'cheque',
                    amount: '12.00',
                    receivedOn,
                    reference: paymentId,
                    bank: '',
                    allocations: [],
                  },
                },
              ],
            },
          ],
          result: null,
        }),
      });
    const payments = () => app.count('g2_outbox', "kind = 'payment'");
    const before = await payments();
    await glouxPayment('00000000-0000-4000-8000-000000002012', '2012-03-01');
    await app.context.get(AfterCommit).settle();
    expect(await payments()).toBe(before);
    await glouxPayment('00000000-0000-4000-8000-000000002026', '2026-11-18');
    await app.context.get(AfterCommit).settle();
    expect(await payments()).toBe(before + 1);
  });

  it('welcomes a new cooperator by e-mail, every link on the configured public address', async () => {
    await app.close();
    await start(
      { ...base, smtpUrl: smtp.url, retryBaseMs: 0, panelUrl: 'https://panel.ouvaton.example' },
      false,
    );
    const joined = await app.context.get(CommandBus).execute<SignUpCommand, SignUpResult>(
      new SignUpCommand(
        {
          kind: 'physique',
          firstName: 'Zoé',
          lastName: 'Martin',
          email: 'zoe@example.org',
          address: '1 rue de la Paix',
          postalCode: '75002',
          city: 'Paris',
          login: 'zoe',
          password: 'mot de passe sûr',
          hostingName: 'zoesite',
          planId: '1',
          shares: '2',
          acceptsTerms: 'on',
          acceptsPrivacy: 'on',
        },
        'welcome-zoe',
      ),
    );
    await app.context.get(AfterCommit).settle();
    const mail = smtp.received.find((m) => m.to === 'zoe@example.org');
    expect(mail?.subject).toBe('Bienvenue chez Ouvaton : votre hébergement zoesite est ouvert');
    expect(mail?.text).toContain('Votre essai gratuit se termine le 20/12/2026.');
    expect(mail?.text).toContain(
      `Réglez votre souscription de 2 parts sociales (n° ${joined.shareNumbers}) : 32,00 €.`,
    );
    expect(mail?.text).toContain(
      `https://panel.ouvaton.example/adherents/${joined.customerId}/bienvenue`,
    );
    expect(mail?.html).toContain(
      `href="https://panel.ouvaton.example/adherents/${joined.customerId}/parts"`,
    );
    expect(`${mail?.text} ${mail?.html}`).not.toContain('localhost');
    expect(`${mail?.text} ${mail?.html}`).not.toContain('mot de passe sûr');
  });

  it('announces an invoice as soon as it is issued, once, linking to the public address', async () => {
    const invoice = await app.issue({
      customerId: '2',
      issuedOn: '2026-11-20',
      lines: [yearLine('Plaque de base', '25.00', '2026-11-20', '2027-11-19')],
    });
    await app.context.get(AfterCommit).settle();
    const notices = smtp.received.filter((m) =>
      m.subject.startsWith(`Votre facture ${invoice.number}`),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('https://panel.ouvaton.example/adherents/2');
    expect(notices[0]?.html).toContain('href="https://panel.ouvaton.example/adherents/2"');
    // The morning job finds it already announced.
    const summary = await app.context.get(LifecycleService).run();
    expect(summary.notices).toBe(0);
    await app.context.get(AfterCommit).settle();
    expect(
      smtp.received.filter((m) => m.subject.startsWith(`Votre facture ${invoice.number}`)),
    ).toHaveLength(1);
  });

  it('links the payment receipt to the public address, never to localhost', async () => {
    const invoice = await app.issue({
      customerId: '2',
      issuedOn: '2026-11-20',
      lines: [yearLine('Option disque', '12.00', '2026-11-20', '2027-11-19')],
    });
    await app.pay(cheque('2', invoice.invoiceId, '14.40', '2026-11-20', '7654321'));
    await app.settle();
    const receipt = smtp.received.find((m) => m.subject === 'Paiement reçu : 14,40 €, merci');
    expect(receipt?.text).toContain('https://panel.ouvaton.example');
    expect(receipt?.html).toContain('href="https://panel.ouvaton.example"');
    expect(`${receipt?.text} ${receipt?.html}`).not.toContain('localhost');
  });
});
