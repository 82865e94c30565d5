import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { TestSmtp } from '../support/lifecycle-kit.js';
import { startApp, type RunningApp } from './app-process.js';
import { DEMO, httpClient } from './http-client.js';

jest.setTimeout(90_000);

const PANEL_URL = 'https://gestion.ouvaton.example';
/** The demo members' addresses (tiers 1–4, each holding shares). */
const MEMBERS = [
  'admin@webcoop.example',
  'anne@example.org',
  'bureau@asso.example',
  'jean.dupont@example.net',
];

/** The Paris day `days` after today, 'YYYY-MM-DD'. */
const parisDay = (days: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
    new Date(Date.now() + days * 86_400_000),
  );
const fr = (day: string) => day.split('-').reverse().join('/');

/** Waits for a condition the app reaches asynchronously (the after-commit e-mails). */
async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let smtp: TestSmtp;
let app: RunningApp;

beforeAll(async () => {
  smtp = await TestSmtp.start();
  // The statutes' default notice periods, a real SMTP server and the public address.
  app = await startApp({ SMTP_URL: smtp.url, PANEL_URL });
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await smtp?.close();
}, 60_000);

const admin = httpClient(() => app.baseUrl, DEMO.admin);
const convocations = () => smtp.received.filter((m) => m.subject.startsWith('Convocation'));

describe('convening an assembly sends the convocation (real SMTP)', () => {
  it('refuses an extraordinary assembly today, listing every problem, and sends nothing', async () => {
    const res = await admin.postForm(
      '/admin/ag',
      { type: 'extraordinary', date: parisDay(0), convocation: '1', lieu: '' },
      { redirect: 'manual' },
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('La convocation comporte 4 erreurs');
    expect(html).toContain('L’heure de l’assemblée est requise');
    expect(html).toContain('Le lieu de l’assemblée est requis');
    expect(html).toContain(
      `Une assemblée extraordinaire sur première convocation se convoque au moins 15 jours à l’avance (statuts) : convoquée aujourd’hui, elle se tient le ${fr(parisDay(15))} au plus tôt.`,
    );
    expect(html).toContain('est déjà passée');
    expect(html).toMatch(/id="heure" name="heure" type="time" value="" required class="invalid"/);
    expect(convocations()).toEqual([]);
  });

  it('convenes with time, place and agenda; each member gets the convocation with a link on PANEL_URL', async () => {
    const heldOn = parisDay(20);
    const res = await admin.postForm(
      '/admin/ag',
      {
        type: 'ordinary',
        date: heldOn,
        heure: '18:30',
        lieu: 'Salle Jean-Jaurès, 5 rue de la Paix, Lyon',
        convocation: '1',
        titre: 'Exercice 2026',
        point_titre_1: 'Approbation des comptes',
        point_texte_1: 'L’assemblée approuve les comptes de l’exercice.',
        point_titre_2: 'Affectation du résultat',
        point_texte_2: 'Le résultat est affecté aux réserves impartageables.',
      },
      { redirect: 'manual' },
    );
    expect(res.status).toBe(303);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(/^\/admin\/ag\/[\w-]+\?fait=convocation$/);

    await until(() => convocations().length === MEMBERS.length, 'the four convocations');
    const mails = convocations().sort((a, b) => a.to.localeCompare(b.to));
    expect(mails.map((m) => m.to)).toEqual(MEMBERS);
    for (const m of mails) {
      expect(m.subject).toBe(
        `Convocation : assemblée générale ordinaire du ${fr(heldOn)} à 18 h 30`,
      );
      for (const said of [
        `le ${fr(heldOn)} à 18 h 30`,
        'Salle Jean-Jaurès, 5 rue de la Paix, Lyon',
        '1. Approbation des comptes',
        '2. Affectation du résultat',
        'Le résultat est affecté aux réserves impartageables.',
        `au plus tard le ${fr(parisDay(17))}`,
        `${PANEL_URL}/adherents/`,
      ])
        expect(m.text).toContain(said);
      expect(m.html).toContain(`href="${PANEL_URL}/adherents/`);
      expect(`${m.text} ${m.html}`).not.toContain('localhost');
    }

    const page = await admin.getPage(location);
    expect(page.status).toBe(200);
    expect(page.html).toContain(
      `Le ${fr(heldOn)} à 18 h 30, Salle Jean-Jaurès, 5 rue de la Paix, Lyon.`,
    );
    expect(page.html).toContain('Ordre du jour');
    expect(page.html).toContain('Résolution n° 2 — Affectation du résultat');
  });
});
