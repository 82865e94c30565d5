import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  computeMac,
  formatNotificationDate,
  parseMontant,
  verifyMac,
  type MacScheme,
} from '../../domain/monetico/monetico.js';
import { hmacSha1 } from '../monetico/monetico-crypto.js';

/**
 * A local stand-in for Monetico's payment page, for tests and the demo: it checks the posted
 * form's seal like the bank, shows a card page, then seals and posts the CGI2 notification to
 * the shop and sends the browser back. Switches: refusal, duplicate notifications, delayed
 * notification, bad MAC (per payment on the card page, or as defaults).
 */

export interface FakeBankSwitches {
  /** The card is refused: code-retour Annulation, the browser goes to url_retour_err. */
  refuse: boolean;
  /** How many times the notification is posted (concurrently): 1 normally. */
  notifications: number;
  /** Milliseconds to wait before notifying; the browser is sent back at once. */
  delayMs: number;
  /** Seal the notification with a wrong MAC (the shop must answer cdr=1 and record nothing). */
  badMac: boolean;
}

export interface FakeBankOptions {
  /** 0: any free port. */
  port: number;
  host?: string;
  /** The merchant key's bytes (shared with the shop, as with the real bank). */
  key: Uint8Array;
  tpe: string;
  /** The shop's CGI2 address, as configured at the bank for the TPE. */
  notifyUrl: string;
  defaults?: Partial<FakeBankSwitches>;
  log?: (line: string) => void;
}

export interface SentNotification {
  reference: string;
  fields: Record<string, string>;
  status: number;
  answer: string;
}

export interface FakeBank {
  readonly url: string;
  readonly port: number;
  /** Every notification posted and what the shop answered. */
  readonly sent: SentNotification[];
  /** Resolves once every notification started so far has been answered. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  form: Record<string, string>;
  scheme: MacScheme;
  test: boolean;
}

const MAX_BODY = 64 * 1024;

function readForm(req: IncomingMessage): Promise<Record<string, string> | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return resolve(null);
      const form: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) form[k] = v;
      resolve(form);
    });
    req.on('error', () => resolve(null));
  });
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;color:#222}
.box{border:1px solid #ccc;padding:1rem 1.2rem;border-radius:.4rem}label{display:block;margin:.5rem 0}
button{padding:.5rem 1.2rem;margin-right:.5rem}.warn{color:#a00}</style></head>
<body><p><strong>Banque de démonstration</strong> — Monetico simulé (aucune carte réelle)</p>${body}</body></html>`);
}

/** Starts the fake bank; `url` is its base (post forms to `${url}/test/paiement.cgi`). */
export async function startFakeBank(options: FakeBankOptions): Promise<FakeBank> {
  const defaults: FakeBankSwitches = {
    refuse: false,
    notifications: 1,
    delayMs: 0,
    badMac: false,
    ...options.defaults,
  };
  const log = options.log ?? ((line: string) => console.log(`[fake-bank] ${line}`));
  const pending = new Map<string, Pending>();
  const sent: SentNotification[] = [];
  const inFlight = new Set<Promise<void>>();

  async function post(reference: string, fields: Record<string, string>): Promise<void> {
    try {
      const res = await fetch(options.notifyUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
      const answer = await res.text();
      sent.push({ reference, fields, status: res.status, answer });
      log(
        `notification ${reference} (${fields['code-retour']}) → ${res.status} ${answer.trim().replace(/\n/g, ' ')}`,
      );
    } catch (error) {
      sent.push({ reference, fields, status: 0, answer: (error as Error).message });
      log(`notification ${reference} impossible : ${(error as Error).message}`);
    }
  }

  function notify(p: Pending, sw: FakeBankSwitches): Promise<void> {
    const f = p.form;
    const refused = sw.refuse;
    const fields: Record<string, string> = {
      TPE: f.TPE ?? '',
      date: formatNotificationDate(new Date()),
      montant: f.montant ?? '',
      reference: f.reference ?? '',
      'texte-libre': f['texte-libre'] ?? '',
      'code-retour': refused ? 'Annulation' : p.test ? 'payetest' : 'paiement',
      cvx: 'oui',
      vld: '1230',
      brand: 'VI',
      status3ds: '1',
      numauto: refused ? '' : String(100000 + (randomBytes(3).readUIntBE(0, 3) % 900000)),
      motifrefus: refused ? 'Refus' : '',
      originecb: 'FRA',
      bincb: '497010',
      hpancb: randomBytes(20).toString('hex').toUpperCase(),
      ipclient: '127.0.0.1',
      originetr: 'FRA',
      modepaiement: 'CB',
      usage: 'debit',
      typecompte: 'particulier',
      ecard: 'non',
      authentification: Buffer.from(
        JSON.stringify({ protocol: '3DSecure', status: 'authenticated', version: '2.2.0' }),
      ).toString('base64'),
    };
    let mac = computeMac(fields, 'current', options.key, hmacSha1);
    // A wrong seal: one hex digit changed.
    if (sw.badMac) mac = (mac[0] === '0' ? '1' : '0') + mac.slice(1);
    const sealed = { ...fields, MAC: mac };
    const run = (async () => {
      if (sw.delayMs > 0) await new Promise((r) => setTimeout(r, sw.delayMs));
      const copies = Math.max(1, Math.min(100, sw.notifications));
      await Promise.all(Array.from({ length: copies }, () => post(fields.reference!, sealed)));
    })();
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    return run;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-bank');
    if (req.method === 'GET' && url.pathname === '/') {
      return page(
        res,
        200,
        'Banque de démonstration',
        `<p>Postez le formulaire de paiement sur <code>/test/paiement.cgi</code> (mode test) ou <code>/paiement.cgi</code>.</p>`,
      );
    }
    if (req.method === 'POST' && /^\/(test\/)?paiement\.cgi$/.test(url.pathname)) {
      const form = await readForm(req);
      if (!form) return page(res, 413, 'Erreur', '<p class="warn">Formulaire trop volumineux.</p>');
      // The bank knows each TPE's scheme; this one accepts either seal.
      const scheme: MacScheme | null = verifyMac(form, 'current', options.key, hmacSha1)
        ? 'current'
        : verifyMac(form, 'legacy', options.key, hmacSha1)
          ? 'legacy'
          : null;
      if (!scheme) {
        log(`formulaire refusé : sceau MAC invalide (référence ${form.reference ?? '?'})`);
        return page(
          res,
          400,
          'Erreur',
          '<p class="warn">Sceau MAC invalide : paiement refusé.</p>',
        );
      }
      const montant = parseMontant(form.montant ?? '');
      if (
        form.TPE !== options.tpe ||
        !montant ||
        !/^[A-Za-z0-9]{1,12}$/.test(form.reference ?? '')
      ) {
        log(`formulaire refusé : TPE, montant ou référence invalide (${form.reference ?? '?'})`);
        return page(res, 400, 'Erreur', '<p class="warn">Formulaire de paiement invalide.</p>');
      }
      const token = randomBytes(16).toString('hex');
      pending.set(token, { form, scheme, test: url.pathname.startsWith('/test/') });
      log(`formulaire ${form.reference} accepté (${form.montant}, sceau ${scheme})`);
      const check = (name: string, label: string, on: boolean) =>
        `<label><input type="checkbox" name="${name}" value="1"${on ? ' checked' : ''}> ${label}</label>`;
      return page(
        res,
        200,
        'Paiement par carte',
        `<div class="box"><h1>Paiement sécurisé</h1>
<p>Commerçant : <strong>${esc(form.societe ?? '')}</strong><br>Montant : <strong id="montant">${esc(form.montant ?? '')}</strong><br>Référence : ${esc(form.reference ?? '')}<br>${esc(form['texte-libre'] ?? '')}</p>
<form method="post" action="/payer">
<input type="hidden" name="token" value="${token}">
<label>Numéro de carte <input name="carte" value="4970 1000 0000 0003" autocomplete="off"></label>
<fieldset><legend>Simulation</legend>
<label>Notifications envoyées <input name="notifications" type="number" min="1" max="100" value="${defaults.notifications}"></label>
<label>Retard de la notification (ms) <input name="delayMs" type="number" min="0" max="600000" value="${defaults.delayMs}"></label>
${check('badMac', 'Sceau MAC faux dans la notification', defaults.badMac)}
</fieldset>
<button type="submit" name="action" value="${defaults.refuse ? 'refuser' : 'payer'}">${defaults.refuse ? 'Valider (refus simulé)' : 'Payer'}</button>
<button type="submit" name="action" value="refuser">Refuser le paiement</button>
</form></div>`,
      );
    }
    if (req.method === 'POST' && url.pathname === '/payer') {
      const form = await readForm(req);
      const p = form ? pending.get(form.token ?? '') : undefined;
      if (!form || !p)
        return page(res, 404, 'Erreur', '<p class="warn">Paiement inconnu ou déjà traité.</p>');
      pending.delete(form.token!);
      const int = (v: string | undefined, fallback: number, max: number) => {
        const n = Number(v);
        return Number.isInteger(n) && n >= 0 && n <= max ? n : fallback;
      };
      const sw: FakeBankSwitches = {
        refuse: form.action === 'refuser',
        notifications: Math.max(1, int(form.notifications, defaults.notifications, 100)),
        delayMs: int(form.delayMs, defaults.delayMs, 600_000),
        badMac: form.badMac === '1',
      };
      const run = notify(p, sw);
      // Like the bank: the shop is told first (unless delayed), then the browser goes back.
      if (sw.delayMs === 0) await run;
      const back = sw.refuse ? p.form.url_retour_err : p.form.url_retour_ok;
      res.writeHead(303, { location: back ?? '/' });
      res.end();
      return;
    }
    page(res, 404, 'Introuvable', '<p>Page introuvable.</p>');
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`erreur : ${(error as Error).message}`);
      if (!res.headersSent)
        page(res, 500, 'Erreur', '<p class="warn">Erreur de la banque simulée.</p>');
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    sent,
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    close: async () => {
      await Promise.all([...inFlight]);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
