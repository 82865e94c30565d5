import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { computeMac, decodeKey, formatNotificationDate } from '../../domain/monetico/monetico.js';
import { DomainError } from '../../domain/shared/errors.js';
import { startFakeBank, type FakeBank } from '../../src/fake-bank/fake-bank.js';
import { hmacSha1 } from '../../src/monetico/monetico-crypto.js';
import {
  FORGED_ADDRESSES_PER_DAY,
  MoneticoService,
  type CardForm,
} from '../../src/monetico/monetico.service.js';
import { loadMoneticoConfig, MONETICO_CONFIG } from '../../src/kernel/config.js';
import { AfterCommit } from '../../src/lifecycle/after-commit.js';
import { LifecycleService } from '../../src/lifecycle/lifecycle.service.js';
import { AppHarness, cheque, yearLine } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { snapshotReadModels } from '../support/read-models.js';

jest.setTimeout(120_000);

const KEY = '0123456789abcdef0123456789abcdef01234567';
const ENV = {
  MONETICO_URL: 'https://p.monetico-services.com/test/paiement.cgi',
  MONETICO_KEY: KEY,
  MONETICO_TPE: '1234567',
  MONETICO_SOCIETE: 'ouvatontest',
  MONETICO_PUBLIC_URL: 'https://panel.example',
};

/** Everything the Monetico logger says, to check the log lines (and that the key is never in them). */
const lines: string[] = [];
for (const level of ['log', 'warn', 'error'] as const) {
  jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, message: unknown) {
    lines.push(`${level}: ${String(message)}`);
  });
}

/** What the bank posts back for a form: sealed over all fields with the merchant key. */
function notification(
  form: CardForm,
  overrides: Record<string, string> = {},
  key = KEY,
): [string, [string, string][]] {
  const f = Object.fromEntries(form.fields.map((x) => [x.name, x.value]));
  const fields: Record<string, string> = {
    TPE: f.TPE!,
    date: formatNotificationDate(new Date('2026-11-25T09:59:00Z')),
    montant: f.montant!,
    reference: f.reference!,
    'texte-libre': f['texte-libre']!,
    'code-retour': 'payetest',
    cvx: 'oui',
    vld: '1230',
    brand: 'VI',
    numauto: '123456',
    motifrefus: '',
    ...overrides,
  };
  const sealed = { ...fields, MAC: computeMac(fields, 'current', decodeKey(key), hmacSha1) };
  const pairs = Object.entries(sealed);
  return [new URLSearchParams(pairs).toString(), pairs];
}

/** The app on a fresh database of `dialect`, with the Monetico settings `env`. */
function useHarness(dialect: (typeof dialects)[number], env: Record<string, string>) {
  const state: { database?: TestDatabase; app?: AppHarness } = {};
  beforeAll(async () => {
    state.database = await createTestDatabase(dialect);
    state.app = await AppHarness.start(state.database, {
      overrides: [[MONETICO_CONFIG, loadMoneticoConfig(env)]],
    });
  });
  afterAll(async () => {
    await state.app?.close();
    await state.database?.drop();
  });
  return () => state.app!;
}

describe.each(dialects)('Monetico card payment on %s', (dialect) => {
  const harness = useHarness(dialect, ENV);
  let app: AppHarness;
  beforeAll(() => {
    app = harness();
  });

  afterEach(() => {
    // The key, in any of its spellings, never reaches a log line.
    for (const line of lines) {
      expect(line).not.toContain(KEY);
      expect(line.toLowerCase()).not.toContain(KEY.slice(0, 16));
    }
  });

  const monetico = () => app.context.get(MoneticoService);
  const issue = async (customerId: string, net: string) =>
    app.issue({
      customerId,
      issuedOn: '2026-11-02',
      lines: [yearLine('Plaque de base', net, '2026-11-02', '2027-11-01')],
    });
  const cardPayments = (where = '1 = 1', params: unknown[] = []) =>
    app.count('g2_events', `type = 'PaymentRecorded' AND ${where}`, params);
  const outcomes = async (reference: string) =>
    (
      await app.db.query<{ outcome: string }>(
        `SELECT outcome FROM g2_card_notifications WHERE reference = ? ORDER BY id`,
        [reference],
      )
    ).map((r) => r.outcome);
  const logged = (pattern: RegExp) => lines.some((l) => pattern.test(l));
  const forgedOf = async (address: string) =>
    (await monetico().forged({ offset: 0, limit: 5000 })).find((f) => f.address === address);

  it('builds the sealed form for what is still due, with a stored reference tied to the invoice', async () => {
    const invoice = await issue('3', '100.00');
    await app.pay(cheque('3', invoice.invoiceId, '20.00', '2026-11-10', 'CHQ-1'));
    const form = await monetico().requestForm('3', invoice.invoiceId);
    const f = Object.fromEntries(form.fields.map((x) => [x.name, x.value]));
    expect(f.montant).toBe('100.00EUR');
    expect(form.amount).toBe('100.00');
    expect(f.TPE).toBe('1234567');
    expect(f.societe).toBe('ouvatontest');
    expect(f.version).toBe('3.0');
    expect(f.reference).toMatch(/^[A-Za-z0-9]{1,12}$/);
    expect(f.url_retour_ok).toBe(
      `https://panel.example/paiement-carte/ok?reference=${f.reference}`,
    );
    expect(JSON.parse(Buffer.from(f.contexte_commande!, 'base64').toString('utf8'))).toMatchObject({
      billing: { country: expect.any(String), city: expect.any(String) },
    });
    expect(computeMac(f, 'current', decodeKey(KEY), hmacSha1)).toBe(f.MAC);
    expect(JSON.stringify(form)).not.toContain(KEY);
    const [row] = await app.db.query<{ invoice_id: string; customer_id: string }>(
      `SELECT invoice_id, customer_id FROM g2_card_requests WHERE reference = ?`,
      [f.reference],
    );
    expect(row).toMatchObject({ invoice_id: invoice.invoiceId, customer_id: '3' });
    // Another click: another reference (the bank refuses a reference twice).
    const again = await monetico().requestForm('3', invoice.invoiceId);
    expect(again.reference).not.toBe(form.reference);
  });

  it('refuses a form for another member’s invoice, a paid or cancelled one', async () => {
    const invoice = await issue('3', '10.00');
    await expect(monetico().requestForm('2', invoice.invoiceId)).rejects.toMatchObject({
      code: 'not_found',
    });
    await app.pay(cheque('3', invoice.invoiceId, '12.00', '2026-11-10', 'CHQ-2'));
    await expect(monetico().requestForm('3', invoice.invoiceId)).rejects.toBeInstanceOf(
      DomainError,
    );
  });

  it('records a paid notification once, as a card payment Gloux lists in G7', async () => {
    const invoice = await issue('3', '50.00');
    const form = await monetico().requestForm('3', invoice.invoiceId);
    const before = await cardPayments();
    const [raw, pairs] = notification(form);
    expect(await monetico().notify(raw, pairs)).toBe('version=2\ncdr=0\n');
    expect(await cardPayments()).toBe(before + 1);
    const view = await app.queries.invoice(invoice.invoiceId);
    expect(view).toMatchObject({ status: 'paid', balance: '0.00', paidOn: '2026-11-25' });
    const payments = (await app.queries.customerPage('3')).payments;
    expect(payments.find((p) => p.reference === `CB ${form.reference}`)).toMatchObject({
      method: 'card',
      amount: '60.00',
      receivedOn: '2026-11-25',
    });
    expect(logged(new RegExp(`paiement par carte ${form.reference} enregistré`))).toBe(true);
    // The raw notification is kept for audit.
    const [kept] = await app.db.query<{ raw: string; mac_valid: number | string; outcome: string }>(
      `SELECT raw, mac_valid, outcome FROM g2_card_notifications WHERE reference = ?`,
      [form.reference],
    );
    expect(kept).toMatchObject({ raw, outcome: 'paid' });
    expect(Number(kept!.mac_valid)).toBe(1);

    // Replay: same notification again, nothing more.
    expect(await monetico().notify(raw, pairs)).toBe('version=2\ncdr=0\n');
    expect(await cardPayments()).toBe(before + 1);
    expect(await outcomes(form.reference)).toEqual(['paid', 'duplicate']);

    // Gloux: the payment row with mode 'cb', the invoice paid, and G7 counts it.
    await app.syncLegacy();
    const g7 = await app.gloux('G7');
    const dayOf = (v: unknown) =>
      v instanceof Date
        ? `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`
        : String(v).slice(0, 10);
    const listed = g7.map((r) =>
      Object.values(r).map((v) => (v instanceof Date ? dayOf(v) : String(v))),
    );
    expect(listed.find((r) => r[0] === '2026-11-25')).toBeDefined();
    const [glouxPayment] = await app.db.query<{ mode: string; montant: unknown }>(
      `SELECT mode, montant FROM paiements WHERE reference = ?`,
      [`CB ${form.reference}`],
    );
    expect(glouxPayment?.mode).toBe('cb');
    expect(Number(glouxPayment?.montant).toFixed(2)).toBe('60.00');
    const [facture] = await app.db.query<{ statut: string }>(
      `SELECT f.statut FROM factures f JOIN g2_legacy_map m ON m.legacy_id = f.id_facture WHERE m.g2_id = ?`,
      [invoice.invoiceId],
    );
    expect(facture?.statut).toBe('payee');
  });

  it('50 identical notifications at once record one payment', async () => {
    const invoice = await issue('3', '30.00');
    const form = await monetico().requestForm('3', invoice.invoiceId);
    const before = await cardPayments();
    const [raw, pairs] = notification(form);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => monetico().notify(raw, pairs)),
    );
    expect(new Set(answers)).toEqual(new Set(['version=2\ncdr=0\n']));
    expect(await cardPayments()).toBe(before + 1);
    const list = await outcomes(form.reference);
    expect(list.filter((o) => o === 'paid')).toHaveLength(1);
    expect(list.filter((o) => o === 'duplicate')).toHaveLength(49);
    expect((await app.queries.invoice(invoice.invoiceId)).status).toBe('paid');
    // Lifecycle reacts to the one payment: one confirmation e-mail, not fifty.
    await app.context.get(AfterCommit).settle();
    const [mail] = await app.db.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM g2_outbox o JOIN g2_events e ON e.position = o.event_position
        WHERE o.kind = 'payment' AND e.type = 'PaymentRecorded' AND e.data LIKE ?`,
      [`%CB ${form.reference}%`],
    );
    expect(Number(mail?.n)).toBe(1);
  });

  it('a refusal (Annulation) records nothing; a later paiement is accepted; a late Annulation never downgrades', async () => {
    const invoice = await issue('3', '40.00');
    const form = await monetico().requestForm('3', invoice.invoiceId);
    const before = await cardPayments();
    const [raw1, refused] = notification(form, {
      'code-retour': 'Annulation',
      numauto: '',
      motifrefus: 'Refus',
    });
    expect(await monetico().notify(raw1, refused)).toBe('version=2\ncdr=0\n');
    expect(await cardPayments()).toBe(before);
    expect((await app.queries.invoice(invoice.invoiceId)).status).toBe('issued');
    const [raw2, paid] = notification(form);
    expect(await monetico().notify(raw2, paid)).toBe('version=2\ncdr=0\n');
    expect(await cardPayments()).toBe(before + 1);
    expect(await monetico().notify(raw1, refused)).toBe('version=2\ncdr=0\n');
    expect((await app.queries.invoice(invoice.invoiceId)).status).toBe('paid');
    expect(await outcomes(form.reference)).toEqual(['cancelled', 'paid', 'ignored_after_paid']);
  });

  it('an invoice paid meanwhile by cheque: the card money goes to the member’s credit, flagged', async () => {
    const invoice = await issue('3', '10.00');
    const form = await monetico().requestForm('3', invoice.invoiceId);
    await app.pay(cheque('3', invoice.invoiceId, '12.00', '2026-11-20', 'CHQ-3'));
    const [raw, pairs] = notification(form);
    expect(await monetico().notify(raw, pairs)).toBe('version=2\ncdr=0\n');
    expect(await outcomes(form.reference)).toEqual(['paid_as_credit']);
    expect((await app.queries.invoice(invoice.invoiceId)).status).toBe('paid');
    const anomalies = await monetico().anomalies();
    expect(anomalies.find((a) => a.reference === form.reference)).toMatchObject({
      outcome: 'paid_as_credit',
    });
  });

  describe('adversarial notifications: no payment, a clear log line, an anomaly', () => {
    it('forged MAC (another key, or a changed field): counted for its address, not kept', async () => {
      const invoice = await issue('3', '25.00');
      const form = await monetico().requestForm('3', invoice.invoiceId);
      const before = await cardPayments();
      const [raw, pairs] = notification(form, {}, 'fedcba9876543210fedcba9876543210fedcba98');
      expect(await monetico().notify(raw, pairs, '192.0.2.10')).toBe('version=2\ncdr=1\n');
      const [, good] = notification(form);
      const tampered = good.map(
        ([k, v]) => [k, k === 'montant' ? '0.01EUR' : v] as [string, string],
      );
      expect(await monetico().notify('tampered', tampered, '192.0.2.10')).toBe(
        'version=2\ncdr=1\n',
      );
      expect(await cardPayments()).toBe(before);
      expect(await outcomes(form.reference)).toEqual([]);
      expect(await forgedOf('192.0.2.10')).toMatchObject({
        received: 2,
        lastReference: form.reference,
        lastReason: 'sceau MAC invalide',
      });
      expect(
        logged(
          new RegExp(`sceau MAC invalide — référence ${form.reference}.*depuis 192\\.0\\.2\\.10`),
        ),
      ).toBe(true);
      expect((await app.queries.invoice(invoice.invoiceId)).status).toBe('issued');
    });

    it('amount tampering and another invoice’s reference (validly sealed)', async () => {
      const mine = await issue('3', '25.00');
      const theirs = await issue('2', '25.00');
      const form = await monetico().requestForm('3', mine.invoiceId);
      const other = await monetico().requestForm('2', theirs.invoiceId);
      const before = await cardPayments();
      const [raw1, lower] = notification(form, { montant: '1.00EUR' });
      expect(await monetico().notify(raw1, lower)).toBe('version=2\ncdr=0\n');
      // The reference of member 2's request with member 3's invoice text.
      const f = Object.fromEntries(form.fields.map((x) => [x.name, x.value]));
      const [raw2, swapped] = notification(other, { 'texte-libre': f['texte-libre']! });
      expect(await monetico().notify(raw2, swapped)).toBe('version=2\ncdr=0\n');
      const [raw3, unknown] = notification(form, { reference: 'PUNKNOWN0000' });
      expect(await monetico().notify(raw3, unknown)).toBe('version=2\ncdr=0\n');
      const [raw4, live] = notification(form, { 'code-retour': 'paiement' });
      expect(await monetico().notify(raw4, live)).toBe('version=2\ncdr=0\n');
      expect(await cardPayments()).toBe(before);
      expect(await outcomes(form.reference)).toEqual(['amount_mismatch', 'wrong_mode']);
      expect(await outcomes(other.reference)).toEqual(['invoice_mismatch']);
      expect(await outcomes('PUNKNOWN0000')).toEqual(['unknown_reference']);
      expect(logged(/rejetée \(amount_mismatch\) : montant 1.00EUR au lieu de 30.00EUR/)).toBe(
        true,
      );
      expect(logged(/rejetée \(invoice_mismatch\)/)).toBe(true);
      for (const id of [mine.invoiceId, theirs.invoiceId])
        expect((await app.queries.invoice(id)).status).toBe('issued');
      const kinds = (await monetico().anomalies()).map((a) => a.outcome);
      expect(kinds).toEqual(
        expect.arrayContaining([
          'amount_mismatch',
          'invoice_mismatch',
          'unknown_reference',
          'wrong_mode',
        ]),
      );
    });

    it('huge or malformed fields', async () => {
      const invoice = await issue('3', '25.00');
      const form = await monetico().requestForm('3', invoice.invoiceId);
      const before = await cardPayments();
      const [, pairs] = notification(form);
      const huge = pairs.map(
        ([k, v]) => [k, k === 'texte-libre' ? 'x'.repeat(100_000) : v] as [string, string],
      );
      expect(await monetico().notify('huge', huge)).toBe('version=2\ncdr=1\n');
      expect(await monetico().notify('dup', [...pairs, ['montant', '0.01EUR']])).toBe(
        'version=2\ncdr=1\n',
      );
      expect(await monetico().notify('', [])).toBe('version=2\ncdr=1\n');
      expect(await cardPayments()).toBe(before);
      expect(logged(/mal formée\) : champ texte-libre trop long \(100000 caractères\)/)).toBe(true);
      expect(logged(/mal formée\) : champ montant en double/)).toBe(true);
      expect(lines.some((l) => l.includes('xxxxxxxxxx'))).toBe(false);
    });

    it('the per-address limit holds across two app instances: the window is counted in the database', async () => {
      // Before the flood below: past its 1,000 addresses of the day they all share one row.
      // A second instance of the app: its own memory, the same database.
      const other = new MoneticoService(
        app.db,
        app.clock,
        app.context.get(CommandBus),
        app.context.get(MONETICO_CONFIG),
      );
      const invoice = await issue('3', '23.00');
      const form = await monetico().requestForm('3', invoice.invoiceId);
      const forged = notification(form)[1].map(
        ([k, v]) => [k, k === 'MAC' ? '1'.repeat(40) : v] as [string, string],
      );
      const address = '192.0.2.77';
      // 15 to each instance, in turns: 20 (the limit) are counted between them, not 30.
      for (let i = 0; i < 15; i++)
        for (const instance of [monetico(), other])
          expect(await instance.notify(`forged ${i}`, forged, address)).toBe('version=2\ncdr=1\n');
      expect(await forgedOf(address)).toMatchObject({ received: 20 });
      expect(logged(/plus de 20 en 10 minutes depuis 192\.0\.2\.77/)).toBe(true);
      // The window over (10 minutes), the next one is counted again, by either instance.
      const start = app.clock.now();
      try {
        app.clock.set(new Date(start.getTime() + 10 * 60_000 + 1));
        expect(await other.notify('later', forged, address)).toBe('version=2\ncdr=1\n');
        expect(await forgedOf(address)).toMatchObject({ received: 21 });
      } finally {
        app.clock.set(start);
      }
    });

    it('a flood of forged notifications: bounded storage, per-address limit, a paid-as-credit anomaly still first', async () => {
      // Money the bank took for an invoice paid meanwhile: the anomaly that must never drop off.
      // (Member 2: the credit it leaves would pay member 3's later invoices.)
      const invoice = await issue('2', '27.00');
      const form = await monetico().requestForm('2', invoice.invoiceId);
      await app.pay(cheque('2', invoice.invoiceId, '32.40', '2026-11-20', 'CHQ-FLOOD'));
      const [realRaw, realPairs] = notification(form);
      expect(await monetico().notify(realRaw, realPairs, '203.0.113.1')).toBe('version=2\ncdr=0\n');
      const kept = await app.count('g2_card_notifications');
      const forged = realPairs.map(
        ([k, v]) => [k, k === 'MAC' ? '0'.repeat(40) : v] as [string, string],
      );
      const padding = 'x'.repeat(10_000);
      // 300 from one address (the limit is 20 per 10 minutes), then one each from 1,100 others
      // (IPv6 addresses in distinct /64s), more than the rows a day may hold.
      for (let i = 0; i < 300; i++)
        expect(await monetico().notify(`${padding}${i}`, forged, '198.51.100.7')).toBe(
          'version=2\ncdr=1\n',
        );
      for (let i = 0; i < 1100; i++)
        expect(
          await monetico().notify(`${padding}${i}`, forged, `2001:db8:${i.toString(16)}::1`),
        ).toBe('version=2\ncdr=1\n');
      // Nothing forged is kept as a notification; its counters are bounded.
      expect(await app.count('g2_card_notifications')).toBe(kept);
      expect(await forgedOf('198.51.100.7')).toMatchObject({ received: 20 });
      const [rows] = await app.db.query<{ n: number | string; longest: number | string }>(
        `SELECT COUNT(*) AS n, MAX(LENGTH(last_raw)) AS longest FROM g2_card_forged`,
      );
      expect(Number(rows?.n)).toBeLessThanOrEqual(FORGED_ADDRESSES_PER_DAY + 1);
      expect(Number(rows?.longest)).toBeLessThanOrEqual(2048);
      expect((await forgedOf('*'))?.received).toBeGreaterThan(0);
      expect(logged(/plus de 20 en 10 minutes depuis 198\.51\.100\.7/)).toBe(true);
      // The real anomaly is the first of the first page.
      const [first] = await monetico().anomalies({ offset: 0, limit: 100 });
      expect(first).toMatchObject({
        reference: form.reference,
        outcome: 'paid_as_credit',
        macValid: true,
      });
    });

    it('a sealed but malformed notification is answered cdr=0 (the seal is right) and listed', async () => {
      const invoice = await issue('3', '26.00');
      const form = await monetico().requestForm('3', invoice.invoiceId);
      const before = await cardPayments();
      const [raw, pairs] = notification(form, { reference: 'pas-une-ref!' });
      expect(await monetico().notify(raw, pairs)).toBe('version=2\ncdr=0\n');
      expect(await cardPayments()).toBe(before);
      const [row] = await app.db.query<{ outcome: string; mac_valid: number | string }>(
        `SELECT outcome, mac_valid FROM g2_card_notifications ORDER BY id DESC LIMIT 1`,
      );
      expect([row?.outcome, Number(row?.mac_valid)]).toEqual(['malformed', 1]);
      expect(logged(/mal formée, sceau valide\) : champ reference mal formé/)).toBe(true);
    });
  });

  it('read models rebuilt from the log equal the live ones', async () => {
    const selectAll = (t: string) => app.db.query(`SELECT * FROM ${t}`);
    const live = await snapshotReadModels(selectAll);
    await app.pipeline.rebuild();
    expect(await snapshotReadModels(selectAll)).toEqual(live);
  });
});

describe.each(dialects)('legacy scheme through the fake bank on %s', (dialect) => {
  const harness = useHarness(dialect, { ...ENV, MONETICO_SCHEME: 'legacy' });
  let bank: FakeBank;
  let shop: Server;

  beforeAll(async () => {
    // The shop's CGI2 route, as the app wires it: raw body and fields to MoneticoService.notify.
    shop = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        void harness()
          .context.get(MoneticoService)
          .notify(raw, [...new URLSearchParams(raw)])
          .then((answer) => res.writeHead(200, { 'content-type': 'text/plain' }).end(answer));
      });
    });
    await new Promise<void>((r) => shop.listen(0, '127.0.0.1', () => r()));
    bank = await startFakeBank({
      port: 0,
      key: decodeKey(KEY),
      tpe: ENV.MONETICO_TPE,
      notifyUrl: `http://127.0.0.1:${(shop.address() as AddressInfo).port}/monetico/cgi2`,
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await bank?.close();
    await new Promise<void>((r) => (shop ? shop.close(() => r()) : r()));
  });

  it('the form is sealed in the legacy scheme, the bank accepts it and the payment is recorded', async () => {
    const app = harness();
    const invoice = await app.issue({
      customerId: '3',
      issuedOn: '2026-11-02',
      lines: [yearLine('Plaque de base', '15.00', '2026-11-02', '2027-11-01')],
    });
    const form = await app.context.get(MoneticoService).requestForm('3', invoice.invoiceId);
    const f = Object.fromEntries(form.fields.map((x) => [x.name, x.value]));
    expect(f.MAC).toBe(computeMac(f, 'legacy', decodeKey(KEY), hmacSha1));
    expect(f.MAC).not.toBe(computeMac(f, 'current', decodeKey(KEY), hmacSha1));
    const post = (url: string, fields: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
      });
    const card = await post(`${bank.url}/test/paiement.cgi`, f);
    expect(card.status).toBe(200);
    const token = /name="token" value="([0-9a-f]+)"/.exec(await card.text())?.[1] ?? '';
    const back = await post(`${bank.url}/payer`, { token, action: 'payer' });
    expect(back.headers.get('location')).toBe(f.url_retour_ok);
    expect(bank.sent.map((n) => n.answer)).toEqual(['version=2\ncdr=0\n']);
    expect(await app.queries.invoice(invoice.invoiceId)).toMatchObject({ status: 'paid' });
    // A form changed after sealing is refused by the bank.
    expect((await post(`${bank.url}/test/paiement.cgi`, { ...f, montant: '1.00EUR' })).status).toBe(
      400,
    );
  });
});

describe.each(dialects)('card payment and the account lifecycle on %s', (dialect) => {
  const harness = useHarness(dialect, ENV);

  it('paying the overdue invoice by card reactivates the suspended account and queues one confirmation', async () => {
    const app = harness();
    const settle = () => app.context.get(AfterCommit).settle();
    const account = async () =>
      (
        await app.db.query<{ status: string }>(
          `SELECT status FROM g2_rm_accounts WHERE customer_id = ?`,
          ['1'],
        )
      )[0]?.status;
    const hosting = async () =>
      (
        await app.db.query<{ etat: string }>(
          `SELECT etat FROM hebergements WHERE id_client = ? ORDER BY id_hebergement LIMIT 1`,
          [1],
        )
      )[0]?.etat;
    // Overdue for more than 60 days on 2026-11-25: the daily job suspends the account.
    const invoice = await app.issue({
      customerId: '1',
      issuedOn: '2026-06-01',
      lines: [yearLine('Plaque de base', '40.00', '2026-06-01', '2027-05-31')],
    });
    await app.context.get(LifecycleService).run();
    await settle();
    expect(await account()).toBe('suspended');
    expect(await hosting()).toBe('suspendu');

    const form = await app.context.get(MoneticoService).requestForm('1', invoice.invoiceId);
    const [raw, pairs] = notification(form);
    expect(await app.context.get(MoneticoService).notify(raw, pairs)).toBe('version=2\ncdr=0\n');
    expect(await app.context.get(MoneticoService).notify(raw, pairs)).toBe('version=2\ncdr=0\n');
    await settle();
    expect(await account()).toBe('active');
    expect(await hosting()).toBe('actif');
    const mails = await app.db.query<{ subject: string }>(
      `SELECT subject FROM g2_outbox WHERE kind = 'payment' AND customer_id = ?`,
      ['1'],
    );
    expect(mails.map((m) => m.subject)).toEqual(['Paiement reçu : 48,00 €, merci']);
  });
});
