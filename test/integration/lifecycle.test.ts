import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { CommandBus } from '@nestjs/cqrs';
import { accountStream } from '../../domain/accounts/events.js';
import { addDays } from '../../domain/shared/day.js';
import { Dec } from '../../domain/shared/money.js';
import { IssueCreditNoteCommand } from '../../src/billing/issue-credit-note.command.js';
import type { RecordPayment } from '../../domain/billing/payment.js';
import { AfterCommit } from '../../src/lifecycle/after-commit.js';
import { LifecycleAdminController } from '../../src/lifecycle/lifecycle-admin.controller.js';
import {
  LIFECYCLE_CONFIG,
  loadLifecycleConfig,
  type LifecycleConfig,
} from '../../src/kernel/config.js';
import { LifecycleService } from '../../src/lifecycle/lifecycle.service.js';
import { AppHarness, yearLine } from '../support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import {
  appendEvents,
  hookScript,
  runG3,
  seedGlouxAccount,
  TestSmtp,
} from '../support/lifecycle-kit.js';
import { snapshotReadModels } from '../support/read-models.js';

jest.setTimeout(600_000);

/**
 * A simulated year (2025) of a cohort of accounts, driven day by day through the lifecycle job,
 * with Gloux's closing script G3 run every Tuesday (06:00, before the job) in the G3 variants.
 * Suspension delay 75 days, so that G3 (60 days) suspends first when it runs.
 *
 *   A 101 trial until 02-10, suspended 'trial_expired', pays its first invoice by card → converted
 *   B 102 pays on time (cheque)
 *   C 103 late payer: reminders, suspension (G3's or ours), pays by transfer → reactivated
 *   D 104 never pays: reminders, suspension, closure notice, closure
 *   E 105 a 0.00 invoice: nothing ever happens
 *   F 106 an invoice cancelled by a credit note: the notice, then nothing
 *   G 107 known only to Gloux, suspended by G3 before the year, pays → reactivated
 *   H 108 suspended by an admin in Gloux, pays: the admin's suspension stays
 */
const ID = { A: 101, B: 102, C: 103, D: 104, E: 105, F: 106, G: 107, H: 108 } as const;
type Member = keyof typeof ID;
const NAMES: Record<Member, string> = {
  A: 'alice',
  B: 'bruno',
  C: 'chloe',
  D: 'denis',
  E: 'emma',
  F: 'fanny',
  G: 'gaston',
  H: 'hugo',
};
const member = (m: Member) => String(ID[m]);

function expectedMails(g3: boolean): Record<Member, string[]> {
  return {
    A: [
      'suspension@2025-02-11',
      'invoice@2025-02-14',
      'payment@2025-02-20',
      'reactivation@2025-02-20',
    ],
    B: ['invoice@2025-03-03', 'payment@2025-03-20'],
    C: [
      'invoice@2025-01-15',
      'reminder@2025-02-21',
      'reminder@2025-03-16',
      `suspension@${g3 ? '2025-04-22' : '2025-05-01'}`,
      'payment@2025-05-10',
      'reactivation@2025-05-10',
    ],
    D: [
      'invoice@2025-02-03',
      'reminder@2025-03-12',
      'reminder@2025-04-04',
      `suspension@${g3 ? '2025-05-06' : '2025-05-20'}`,
      `closure-notice@${g3 ? '2025-06-05' : '2025-06-19'}`,
      `closure@${g3 ? '2025-07-05' : '2025-07-19'}`,
    ],
    E: [],
    F: ['invoice@2025-03-03'],
    G: ['closure-notice@2025-01-09', 'payment@2025-01-20', 'reactivation@2025-01-20'],
    H: ['invoice@2025-01-06', 'payment@2025-01-08'],
  };
}

const KIND_OF_SUBJECT: [RegExp, string][] = [
  [/^Votre facture /, 'invoice'],
  [/^Relance n° /, 'reminder'],
  [/^Paiement reçu /, 'payment'],
  [/ suspendu$/, 'suspension'],
  [/ réactivé$/, 'reactivation'],
  [/ : fermeture le /, 'closure-notice'],
  [/ fermé$/, 'closure'],
];

describe.each([
  ['sqlite', false],
  ['sqlite', true],
  ['mysql', true],
] as const)('a simulated year of accounts on %s (G3 running: %s)', (dialect, withG3) => {
  let database: TestDatabase;
  let app: AppHarness;
  let smtp: TestSmtp;
  const hook = hookScript();
  let config: LifecycleConfig;
  const invoices = new Map<string, { invoiceId: string; number: string }>();

  const start = async (now: string, seedLegacy = true) => {
    app = await AppHarness.start(database, {
      now,
      overrides: [[LIFECYCLE_CONFIG, config]],
      seedLegacy,
    });
  };
  const settle = () => app.context.get(AfterCommit).settle();
  const bus = () => app.context.get(CommandBus);
  const issue = async (m: Member, key: string, on: string, total: string, dueOn: string) => {
    const net = new Dec(total).div('1.2').toFixed(2);
    const r = await app.issue({
      customerId: member(m),
      issuedOn: on,
      dueOn,
      lines: [
        { ...yearLine(`Hébergement ${NAMES[m]}`, net, on, addDays(on, 364)), hostingId: member(m) },
      ],
    });
    invoices.set(key, r);
    return r;
  };
  const pay = (
    m: Member,
    key: string,
    method: RecordPayment['method'],
    amount: string,
    on: string,
  ) =>
    app.pay({
      customerId: member(m),
      method,
      amount,
      receivedOn: on,
      reference: `${key}-${on}`,
      allocations: [{ invoiceId: invoices.get(key)!.invoiceId, amount }],
    });

  /** What happens in the world on `day`, before the job runs. */
  async function scenario(day: string): Promise<void> {
    switch (day) {
      case '2025-01-01':
        // G's debt, of 2024 (G3 suspended it before the year began).
        await issue('G', 'G', '2024-10-01', '30.00', '2024-10-31');
        break;
      case '2025-01-06':
        await issue('H', 'H', day, '20.00', '2025-02-05');
        break;
      case '2025-01-08':
        await pay('H', 'H', 'card', '20.00', day);
        break;
      case '2025-01-10':
        // Sign-up (the auth engineer's command appends this event).
        await appendEvents(
          app,
          accountStream(member('A')),
          [
            {
              type: 'AccountOpened',
              data: {
                accountId: member('A'),
                customerId: member('A'),
                name: NAMES.A,
                openedOn: day,
                trialEndsOn: '2025-02-10',
              },
            },
          ],
          -1,
        );
        break;
      case '2025-01-15':
        await issue('C', 'C', day, '100.00', '2025-02-14');
        break;
      case '2025-01-20':
        await pay('G', 'G', 'transfer', '30.00', day);
        break;
      case '2025-02-03':
        await issue('D', 'D', day, '80.00', '2025-03-05');
        await issue('E', 'E', day, '0.00', '2025-03-05');
        break;
      case '2025-02-14':
        await issue('A', 'A', day, '60.00', '2025-03-16');
        break;
      case '2025-02-20':
        await pay('A', 'A', 'card', '60.00', day);
        break;
      case '2025-03-03':
        await issue('B', 'B', day, '120.00', '2025-04-02');
        await issue('F', 'F', day, '50.00', '2025-04-02');
        smtp.failNext = 1; // the first message of the day is refused once, then retried
        break;
      case '2025-03-06':
        await bus().execute(
          new IssueCreditNoteCommand(
            {
              invoiceId: invoices.get('F')!.invoiceId,
              issuedOn: day,
              reason: 'Erreur de facturation',
            },
            'test',
          ),
        );
        break;
      case '2025-03-20':
        await pay('B', 'B', 'cheque', '120.00', day);
        break;
      case '2025-05-10':
        await pay('C', 'C', 'transfer', '100.00', day);
        break;
    }
  }

  beforeAll(async () => {
    smtp = await TestSmtp.start();
    const base = loadLifecycleConfig({ NODE_ENV: 'test' });
    config = {
      ...base,
      rules: {
        ...base.rules,
        suspensionDays: 75,
        reminderDays: [7, 30],
        closureNoticeDays: 30,
        closureDays: 30,
      },
      smtpUrl: smtp.url,
      retryBaseMs: 0,
      hooks: { open: null, suspend: hook.path, reactivate: hook.path, close: hook.path },
    };
    database = await createTestDatabase(dialect);
    await start('2025-01-01T05:00:00Z');
    for (const m of Object.keys(ID) as Member[]) {
      const state =
        m === 'G'
          ? { etat: 'suspendu', motif: 'impayé > 60 jours', since: '2024-12-10' }
          : m === 'H'
            ? { etat: 'suspendu', motif: 'décision du bureau', since: '2024-11-02' }
            : {};
      await seedGlouxAccount(app.db, ID[m], NAMES[m], state);
    }
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    await smtp?.close();
  });

  it('gives exactly the expected e-mails, suspensions, reactivations and closures', async () => {
    const job = () => app.context.get(LifecycleService);
    for (let day = '2025-01-01'; day <= '2025-12-31'; day = addDays(day, 1)) {
      app.clock.set(new Date(`${day}T05:00:00Z`));
      smtp.day = day;
      await scenario(day);
      await settle();
      const tuesday = new Date(`${day}T12:00:00Z`).getUTCDay() === 2;
      if (withG3 && tuesday) await runG3(database, app.db, day);
      const summary = await job().run(day);
      expect(summary.errors).toEqual([]);
      await settle();
      if (day === '2025-03-03') {
        await settle();
        // One message was refused: it waits in the outbox and goes at the next attempt, once.
        const [retried] = await app.db.query<{ attempts: number | string; status: string }>(
          `SELECT attempts, status FROM g2_outbox WHERE attempts > 1`,
        );
        expect(retried).toMatchObject({ status: 'sent' });
        expect(Number(retried!.attempts)).toBe(2);
      }
      // Running the job again the same day records nothing more.
      if (day.endsWith('-01') || day === '2025-05-10') {
        const events = await app.count('g2_events');
        const again = await job().run(day);
        await settle();
        expect(again).toMatchObject({ notices: 0, reminders: 0, closureNotices: 0, closures: 0 });
        expect(await app.count('g2_events')).toBe(events);
      }
      if (day === '2025-06-01') {
        // A restart: the checkpoints, the outbox and the keys carry on; nothing is sent twice.
        await app.close();
        await start(`${day}T05:00:00Z`, false);
      }
    }

    // E-mails: exactly the expected ones, each once, to the right person, in French.
    const cohort = new Map(
      (Object.keys(ID) as Member[]).map((m) => [`${NAMES[m]}@example.org`, m]),
    );
    const got: Record<Member, string[]> = {
      A: [],
      B: [],
      C: [],
      D: [],
      E: [],
      F: [],
      G: [],
      H: [],
    };
    for (const mail of smtp.received) {
      const m = cohort.get(mail.to);
      if (!m) continue;
      const kind =
        KIND_OF_SUBJECT.find(([re]) => re.test(mail.subject))?.[1] ?? `? ${mail.subject}`;
      got[m].push(`${kind}@${mail.day}`);
    }
    expect(got).toEqual(expectedMails(withG3));
    const ids = smtp.received.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);

    const mailOf = (m: Member, kind: string) =>
      smtp.received.find(
        (r) =>
          r.to === `${NAMES[m]}@example.org` &&
          KIND_OF_SUBJECT.find(([re]) => re.test(r.subject))?.[1] === kind,
      )!;
    const reminder = mailOf('C', 'reminder');
    expect(reminder.subject).toBe(
      `Relance n° 1 : facture ${invoices.get('C')!.number} impayée (100,00 €)`,
    );
    expect(reminder.text).toContain('Bonjour Test chloe');
    expect(reminder.text).toContain('Reste à payer : 100,00 €');
    expect(reminder.text).toContain(
      'vos hébergements (chloe) seront suspendus à partir du 01/05/2025',
    );
    expect(reminder.html).toContain('<strong>100,00 €</strong>');
    const suspension = mailOf('D', 'suspension');
    expect(suspension.subject).toBe('Hébergement denis suspendu');
    expect(suspension.text).toContain(
      `${invoices.get('D')!.number}, échue le 05/03/2025 : 80,00 €`,
    );
    expect(suspension.text).toContain('réactivé automatiquement');
    expect(mailOf('D', 'closure-notice').text).toContain(
      `sera fermé définitivement le ${withG3 ? '05/07/2025' : '19/07/2025'}`,
    );
    const payment = mailOf('C', 'payment');
    expect(payment.subject).toBe('Paiement reçu : 100,00 €, merci');
    expect(payment.text).toContain('(virement, référence C-2025-05-10) le 10/05/2025');
    expect(payment.text).toContain(
      `facture ${invoices.get('C')!.number} : 100,00 € réglés, facture soldée`,
    );
    expect(mailOf('C', 'reactivation').text).toContain(
      '« chloe » est de nouveau actif depuis le 10/05/2025',
    );
    expect(mailOf('A', 'suspension').text).toContain('période d’essai est terminée');
    expect(mailOf('A', 'invoice').subject).toBe(
      `Votre facture ${invoices.get('A')!.number} : 60,00 € à régler avant le 16/03/2025`,
    );

    // The project's read model: reasons kept apart.
    const accounts = await app.db.query<{
      account_id: string;
      status: string;
      converted_by: string | null;
    }>(
      `SELECT account_id, status, converted_by FROM g2_rm_accounts WHERE account_id IN (${Object.values(ID).join(', ')}) ORDER BY account_id`,
    );
    expect(Object.fromEntries(accounts.map((a) => [a.account_id, a.status]))).toEqual({
      [member('A')]: 'active',
      [member('C')]: 'active',
      [member('D')]: 'closed',
      [member('G')]: 'active',
      [member('H')]: 'suspended',
    });
    expect(accounts.find((a) => a.account_id === member('A'))?.converted_by).toBe('payment');
    expect(
      await app.db.query(
        `SELECT account_id, reason FROM g2_rm_account_suspensions WHERE account_id IN (${Object.values(ID).join(', ')}) ORDER BY account_id`,
      ),
    ).toEqual([
      // A closed account keeps the reason it was closed for.
      { account_id: member('D'), reason: 'unpaid' },
      { account_id: member('H'), reason: 'admin' },
    ]);
    const suspensions = await app.db.query<{ stream_id: string; data: string; source: string }>(
      `SELECT stream_id, data, source FROM g2_events WHERE type = 'AccountSuspended' AND stream_id LIKE 'account-10%' ORDER BY position`,
    );
    expect(
      suspensions.map((s) => {
        const d = JSON.parse(s.data) as { accountId: string; reason: string; on: string };
        return `${d.accountId} ${d.reason} ${d.on} ${s.source}`;
      }),
    ).toEqual([
      `${member('G')} unpaid 2024-12-10 gloux`,
      `${member('H')} admin 2024-11-02 gloux`,
      `${member('A')} trial_expired 2025-02-11 g2`,
      withG3 ? `${member('C')} unpaid 2025-04-22 gloux` : `${member('C')} unpaid 2025-05-01 g2`,
      withG3 ? `${member('D')} unpaid 2025-05-06 gloux` : `${member('D')} unpaid 2025-05-20 g2`,
    ]);
    const reactivations = await app.db.query<{ data: string }>(
      `SELECT data FROM g2_events WHERE type = 'AccountReactivated' AND stream_id LIKE 'account-10%' ORDER BY position`,
    );
    expect(
      reactivations.map((r) => {
        const d = JSON.parse(r.data) as { accountId: string; liftedReason: string; on: string };
        return `${d.accountId} ${d.liftedReason} ${d.on}`;
      }),
    ).toEqual([
      `${member('G')} unpaid 2025-01-20`,
      `${member('A')} trial_expired 2025-02-20`,
      `${member('C')} unpaid 2025-05-10`,
    ]);

    // Gloux's tables say the same.
    const gloux = await app.db.query<{
      id_hebergement: number | string;
      etat: string;
      cetat: string;
    }>(
      `SELECT h.id_hebergement, h.etat, c.etat AS cetat FROM hebergements h JOIN clients c ON c.id_client = h.id_client
        WHERE h.id_hebergement IN (${Object.values(ID).join(', ')}) ORDER BY h.id_hebergement`,
    );
    expect(gloux.map((r) => `${r.id_hebergement} ${r.etat} ${r.cetat}`)).toEqual([
      '101 actif actif',
      '102 actif actif',
      '103 actif actif',
      '104 ferme ferme',
      '105 actif actif',
      '106 actif actif',
      '107 actif actif',
      '108 suspendu suspendu',
    ]);
    const [c] = await app.db.query<{ motif_etat: unknown }>(
      `SELECT motif_etat FROM hebergements WHERE id_hebergement = 103`,
    );
    expect(String(c?.motif_etat ?? '')).toBe('');

    // The provisioning hook ran once per change gloux2 made.
    const reason = (n: number) => `impayé > ${n} jours`;
    const cohortLines = () => hook.lines().filter((l) => / 10\d /.test(l));
    expect(cohortLines()).toEqual([
      `reactivate 107 gaston 107 `,
      `suspend 101 alice 101 période d’essai terminée`,
      `reactivate 101 alice 101 `,
      ...(withG3 ? [] : [`suspend 103 chloe 103 ${reason(75)}`]),
      `reactivate 103 chloe 103 `,
      ...(withG3 ? [] : [`suspend 104 denis 104 ${reason(75)}`]),
      `close 104 denis 104 fermé après suspension (${withG3 ? reason(60) : reason(75)})`,
    ]);

    // The read models rebuild to the same rows.
    const snapshot = () => snapshotReadModels((table) => app.db.query(`SELECT * FROM ${table}`));
    const live = await snapshot();
    await app.pipeline.rebuild();
    expect(await snapshot()).toEqual(live);
  });
});

/** The provisioning hook when the hosting side fails: retried, visible, then run once. */
describe('provisioning hook failures', () => {
  let database: TestDatabase;
  let app: AppHarness;
  const hook = hookScript();

  beforeAll(async () => {
    const base = loadLifecycleConfig({ NODE_ENV: 'test' });
    database = await createTestDatabase('sqlite');
    app = await AppHarness.start(database, {
      now: '2026-01-05T05:00:00Z',
      overrides: [
        [
          LIFECYCLE_CONFIG,
          { ...base, retryBaseMs: 0, hooks: { ...base.hooks, suspend: hook.path } },
        ],
      ],
    });
    await seedGlouxAccount(app.db, 101, 'alice');
    await appendEvents(app, accountStream('101'), [
      {
        type: 'AccountOpened',
        data: {
          accountId: '101',
          customerId: '101',
          name: 'alice',
          openedOn: '2025-01-10',
          trialEndsOn: null,
        },
      },
    ]);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('retries a failing hook, shows the failure, and runs it once when it works again', async () => {
    const settle = () => app.context.get(AfterCommit).settle();
    const lastRun = () =>
      app.db.query<{ status: string; attempts: number | string; output: string }>(
        `SELECT status, attempts, output FROM g2_jobs WHERE target_kind = 'account' AND target_id = '101' AND kind = 'account.suspend' ORDER BY id DESC LIMIT 1`,
      );
    writeFileSync(hook.failFlag, '');
    // An admin's suspension for abuse (as the member admin of the auth engineer records it).
    await appendEvents(app, accountStream('101'), [
      {
        type: 'AccountSuspended',
        data: { accountId: '101', reason: 'abuse', note: 'abus signalé', on: '2026-01-05' },
      },
    ]);
    await settle();
    const [failed] = await lastRun();
    expect(failed).toMatchObject({ status: 'pending' });
    expect(Number(failed!.attempts)).toBe(1);
    expect(failed!.output).toContain('panne du serveur');
    const page = await app.context.get(LifecycleAdminController).runs();
    expect(page.runs[0]).toMatchObject({ action: 'suspend', status: 'pending' });
    rmSync(hook.failFlag);
    expect(existsSync(hook.failFlag)).toBe(false);
    await settle();
    await settle();
    expect(hook.lines()).toEqual(['suspend 101 alice 101 abus signalé']);
    const [done] = await lastRun();
    expect(done).toMatchObject({ status: 'done' });
    expect(Number(done!.attempts)).toBe(2);
  });
});
