import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeKey, verifyMac } from '../../domain/monetico/monetico.js';
import { CURRENT_VECTOR, LEGACY_VECTOR } from '../../domain/monetico/test-vectors.js';
import { hmacSha1 } from '../monetico/monetico-crypto.js';
import { startFakeBank, type FakeBank } from './fake-bank.js';

/** docs/monetico.md's vectors as a browser would post them (return URLs are not sealed in the legacy scheme). */
const CURRENT_FORM: Record<string, string> = { ...CURRENT_VECTOR.fields, MAC: CURRENT_VECTOR.mac };
const DEMO_KEY = CURRENT_VECTOR.key;
const LEGACY_FORM: Record<string, string> = {
  ...LEGACY_VECTOR.fields,
  url_retour_ok: 'https://shop.example/ok',
  url_retour_err: 'https://shop.example/ko',
  MAC: LEGACY_VECTOR.mac,
};

/** A stand-in shop: records each notification and answers cdr from the seal check. */
function startShop(key: Uint8Array) {
  const received: { fields: Record<string, string>; valid: boolean }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const fields = Object.fromEntries(new URLSearchParams(body));
      const valid = verifyMac(fields, 'current', key, hmacSha1);
      received.push({ fields, valid });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`version=2\ncdr=${valid ? 0 : 1}\n`);
    });
  });
  return {
    received,
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/cgi2`),
        ),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function postForm(url: string, form: Record<string, string>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  return { status: res.status, html: await res.text(), location: res.headers.get('location') };
}

const token = (html: string) => /name="token" value="([0-9a-f]+)"/.exec(html)?.[1] ?? '';

describe('fake bank', () => {
  const key = decodeKey(DEMO_KEY);
  const shop = startShop(key);
  let bank: FakeBank;
  const silent: string[] = [];

  beforeAll(async () => {
    const notifyUrl = await shop.listen();
    bank = await startFakeBank({
      port: 0,
      key,
      tpe: '0000001',
      notifyUrl,
      log: (l) => silent.push(l),
    });
  });
  afterAll(async () => {
    await bank?.close();
    await shop.close();
  });

  it('accepts the current-scheme vector of docs/monetico.md and shows the card page', async () => {
    const page = await postForm(`${bank.url}/test/paiement.cgi`, CURRENT_FORM);
    expect(page.status).toBe(200);
    expect(page.html).toContain('12.34EUR');
    expect(token(page.html)).not.toBe('');
  });

  it('accepts the legacy vector under its own key', async () => {
    const legacyBank = await startFakeBank({
      port: 0,
      key: decodeKey('123456'),
      tpe: '123456',
      notifyUrl: 'http://127.0.0.1:9/none',
      log: () => undefined,
    });
    try {
      expect((await postForm(`${legacyBank.url}/paiement.cgi`, LEGACY_FORM)).status).toBe(200);
      const tampered = { ...LEGACY_FORM, montant: '2.48EUR' };
      expect((await postForm(`${legacyBank.url}/paiement.cgi`, tampered)).status).toBe(400);
    } finally {
      await legacyBank.close();
    }
  });

  it('refuses a form whose seal does not match (any field changed)', async () => {
    for (const field of ['montant', 'reference', 'url_retour_ok', 'contexte_commande']) {
      const form = {
        ...CURRENT_FORM,
        [field]: `${CURRENT_FORM[field as keyof typeof CURRENT_FORM]}0`,
      };
      const page = await postForm(`${bank.url}/test/paiement.cgi`, form);
      expect(page.status).toBe(400);
      expect(page.html).toContain('Sceau MAC invalide');
    }
  });

  it('pays: one sealed payetest notification, then the browser goes to url_retour_ok', async () => {
    const before = shop.received.length;
    const card = await postForm(`${bank.url}/test/paiement.cgi`, CURRENT_FORM);
    const paid = await postForm(`${bank.url}/payer`, { token: token(card.html), action: 'payer' });
    expect(paid.status).toBe(303);
    expect(paid.location).toBe('https://shop.example/ok');
    const got = shop.received.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]!.valid).toBe(true);
    expect(got[0]!.fields).toMatchObject({
      TPE: '0000001',
      montant: '12.34EUR',
      reference: 'FAC000123',
      'texte-libre': 'Facture FAC000123',
      'code-retour': 'payetest',
    });
    expect(got[0]!.fields.date).toMatch(/^\d{2}\/\d{2}\/\d{4}_a_\d{2}:\d{2}:\d{2}$/);
    expect(bank.sent.at(-1)!.answer).toBe('version=2\ncdr=0\n');
    // The token is spent: a second submission is refused.
    expect((await postForm(`${bank.url}/payer`, { token: token(card.html) })).status).toBe(404);
  });

  it('switches: refusal, duplicates, bad MAC, delay', async () => {
    const pay = async (switches: Record<string, string>) => {
      const card = await postForm(`${bank.url}/test/paiement.cgi`, CURRENT_FORM);
      return postForm(`${bank.url}/payer`, { token: token(card.html), ...switches });
    };
    let before = shop.received.length;
    const refused = await pay({ action: 'refuser' });
    expect(refused.location).toBe('https://shop.example/ko');
    expect(shop.received.slice(before).map((r) => [r.valid, r.fields['code-retour']])).toEqual([
      [true, 'Annulation'],
    ]);

    before = shop.received.length;
    await pay({ action: 'payer', notifications: '5' });
    expect(shop.received.slice(before)).toHaveLength(5);

    before = shop.received.length;
    await pay({ action: 'payer', badMac: '1' });
    expect(shop.received.slice(before).map((r) => r.valid)).toEqual([false]);
    expect(bank.sent.at(-1)!.answer).toBe('version=2\ncdr=1\n');

    before = shop.received.length;
    const delayed = await pay({ action: 'payer', delayMs: '300' });
    expect(delayed.location).toBe('https://shop.example/ok');
    expect(shop.received.length).toBe(before);
    await bank.settled();
    expect(shop.received.slice(before).map((r) => r.valid)).toEqual([true]);
  });
});
