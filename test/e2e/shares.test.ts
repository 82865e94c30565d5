import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { addDays } from '../../domain/shared/day.js';
import type { ShareMovementResult } from '../../src/shares/shares.commands.js';
import { pdfText } from '../support/pdf-text.js';
import { csvRows, xlsxAsCsv } from '../support/xlsx-csv.js';
import { runCli } from './cli-process.js';
import { euros, useAppClient, type ApiError } from './http-client.js';

jest.setTimeout(120_000);

const client = useAppClient();
const { getPage, getJson, postJson, legacySynced, app } = client;

interface Overview {
  today: string;
  capital: string;
  shares: number;
  floor: { floor: string; highest: string };
  holders: { tiersId: string; name: string; numbers: string; shares: number; amount: string }[];
}

/** A form POST as a browser sends it, without following the redirect. */
async function postForm(path: string, fields: Record<string, string>) {
  const res = await client.postForm(path, fields, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

async function download(path: string) {
  const res = await client.fetch(path);
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: Buffer.from(await res.arrayBuffer()),
  };
}

/** Gloux's G8 on the app's SQLite file: capital, and one tiers' nb_parts and societaire. */
function g8(tiersId: number) {
  const db = new Database(join(app().dir, 'gloux2.sqlite'), { readonly: true });
  try {
    const c = db
      .prepare(
        `SELECT COUNT(*) * 16.00 AS capital FROM parts_sociales WHERE etat IN ('souscrite', 'liberee')`,
      )
      .get() as { capital: number };
    const t = db
      .prepare(`SELECT id_tiers, nb_parts, societaire FROM tiers WHERE id_tiers = ?`)
      .get(tiersId) as { nb_parts: number; societaire: string };
    return { capital: c.capital.toFixed(2), nbParts: t.nb_parts, societaire: t.societaire };
  } finally {
    db.close();
  }
}

/*
 * The demo seeds 7 paid-up Gloux shares (tiers 1: 10021–10022, 2: 10215, 3: 10087–10089,
 * 4: 10398), imported at its first start: capital 7 × 16.00 = 112.00, also the highest, and
 * Gloux's counter at 10412, so new numbers start at 10413.
 */
describe('share capital over HTTP (demo data: 7 shares from Gloux)', () => {
  let today = '';
  const move = (path: string, body: object) => postJson<ShareMovementResult & ApiError>(path, body);

  it('records movements as JSON, retries included, and refuses bad input with French errors', async () => {
    const start = await getJson<Overview>('/api/parts');
    expect(start.status).toBe(200);
    today = start.body.today;
    expect(start.body).toMatchObject({ capital: '112.00', shares: 7 });

    const anne = { tiersId: '1', count: 3, on: today, paid: true, idempotencyKey: 'e2e-sub-1' };
    const first = await move('/api/parts/souscriptions', anne);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'subscription', numbers: '10413–10415' });
    expect((await move('/api/parts/souscriptions', anne)).body).toEqual(first.body);
    // A block large enough for the floor refusal below to bite (see there).
    const amis = await move('/api/parts/souscriptions', { tiersId: '2', count: 15, on: today });
    expect(amis.body.numbers).toBe('10416–10430');
    const transfer = await move('/api/parts/cessions', {
      fromTiersId: '1',
      toTiersId: '2',
      numbers: '10415',
      on: today,
    });
    // 112.00 + (3 + 15) × 16.00 = 400.00, the highest the capital reaches here.
    expect(transfer.body).toMatchObject({ newNumbers: '10431', capital: '400.00' });
    const paid = await move('/api/parts/liberations', {
      tiersId: '2',
      numbers: '10416-10430',
      on: today,
      legacyPaymentId: '7',
    });
    expect(paid.body.kind).toBe('payment');
    const redeemed = await move('/api/parts/remboursements', {
      tiersId: '1',
      numbers: '10413',
      on: today,
      reason: 'Retrait',
    });
    // 400.00 − 16.00; floor 400.00 ÷ 4.
    expect(redeemed.body).toMatchObject({ capital: '384.00', floor: '100.00' });
    // Dupont leaves with his only (demo) share, so tiers 4 is no longer a member.
    const left = await move('/api/parts/remboursements', {
      tiersId: '4',
      numbers: '10398',
      on: today,
    });
    expect(left.body).toMatchObject({ capital: '368.00', floor: '100.00' });

    const bad = [
      [
        '/api/parts/souscriptions',
        { tiersId: '1', count: 0, on: today },
        422,
        'invalid_input',
        'count',
      ],
      [
        '/api/parts/cessions',
        { fromTiersId: '1', toTiersId: '99', numbers: '10414', on: today },
        404,
        'not_found',
        'toTiersId',
      ],
      [
        '/api/parts/cessions',
        { fromTiersId: '1', toTiersId: '4', numbers: '10414', on: today },
        422,
        'not_a_member',
        'toTiersId',
      ],
      [
        '/api/parts/remboursements',
        { tiersId: '1', numbers: '10416', on: today },
        422,
        'invalid_input',
        'numbers',
      ],
      [
        '/api/parts/remboursements',
        // All of Amis' 17 shares: 368.00 − 272.00 = 96.00 < 100.00.
        { tiersId: '2', numbers: '10215, 10416-10431', on: today },
        422,
        'capital_floor',
        'numbers',
      ],
      [
        '/api/parts/annulations',
        { tiersId: '2', numbers: '10416', on: today },
        422,
        'invalid_input',
        'numbers',
      ],
    ] as const;
    for (const [path, body, status, code, field] of bad) {
      const r = await move(path, body);
      expect([r.status, r.body.error?.code, r.body.error?.field]).toEqual([status, code, field]);
    }
    expect((await move('/api/parts/remboursements', bad[4][1])).body.error.message).toBe(
      `Remboursement refusé : le capital passerait de ${euros('368.00')} à ${euros('96.00')}, sous le quart du capital le plus élevé atteint (${euros('400.00')} ÷ 4 = ${euros('100.00')}, loi du 10 septembre 1947, art. 13).`,
    );

    await legacySynced();
    // 23 shares held (7 − 1 + 3 + 15 − 1) × 16.00 = 368.00.
    expect(g8(1)).toEqual({ capital: '368.00', nbParts: 3, societaire: 'O' });
    expect(g8(2)).toEqual({ capital: '368.00', nbParts: 17, societaire: 'O' });
    expect(g8(4)).toEqual({ capital: '368.00', nbParts: 0, societaire: 'N' });
    const now = await getJson<Overview>('/api/parts');
    expect(now.body.holders.map((h) => [h.tiersId, h.numbers, h.amount])).toEqual([
      ['2', '10215, 10416–10431', '272.00'],
      ['1', '10021–10022, 10414', '48.00'],
      ['3', '10087–10089', '48.00'],
    ]);
  });

  it('serves the admin page; a form records once (303) or shows the French error with what was typed (422)', async () => {
    const page = await getPage('/admin/parts');
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<strong id="capital">${euros('368.00')}</strong>`);
    const key = /name="cle" value="([^"]+)"/.exec(page.html)?.[1];
    expect(key).toBeDefined();
    const form = { tiers: '3', nombre: '2', date: today, reference: 'Bulletin', cle: key! };
    const ok = await postForm('/admin/parts/souscription', form);
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/admin/parts?fait=subscription&parts=10432%E2%80%9310433');
    expect((await postForm('/admin/parts/souscription', form)).location).toBe(ok.location);
    const after = await getPage(ok.location!);
    expect(after.html).toContain('Souscription enregistrée : parts 10432–10433.');

    const refused = await postForm('/admin/parts/remboursement', {
      tiers: '3',
      numeros: '10432-10433',
      date: addDays(today, 1),
      motif: '',
      cle: 'e2e-form-2',
    });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('La date ne peut pas être dans le futur.');
    expect(refused.html).toMatch(
      /id="r-date" name="date" type="date" value="[^"]+" required class="invalid"/,
    );
    expect(refused.html).toContain('value="10432-10433"');
    expect((await postForm('/admin/parts/inconnu', {})).status).toBe(404);
  });

  it('pays the redeemed capital back from the page and the API, once (4567 → 512)', async () => {
    const page = await getPage('/admin/parts');
    const ids = [...page.html.matchAll(/data-redemption="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    const paid = await postForm(`/admin/parts/remboursements/${ids[0]}/versement`, {
      date: today,
      mode: 'transfer',
      reference: 'VIR-REMB-1',
    });
    expect(paid.status).toBe(303);
    expect((await getPage(paid.location!)).html).toMatch(
      /Remboursement de 16,00\u00a0€ versé au tiers \d+ le /,
    );
    const api = await postJson<{ amount: string } & ApiError>(
      `/api/parts/remboursements/${ids[1]}/versement`,
      { on: today, method: 'cheque', reference: '0000042' },
    );
    expect(api.status).toBe(201);
    expect(api.body.amount).toBe('16.00');
    const again = await postJson<ApiError>(`/api/parts/remboursements/${ids[1]}/versement`, {
      on: today,
      method: 'cheque',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_paid');
    expect((await getPage('/admin/parts')).html).toContain('Aucun remboursement à verser.');
  });

  it('prints the register in date order, and the capital of any day with its chart', async () => {
    const register = await getPage('/admin/parts/registre');
    expect(register.status).toBe(200);
    const kinds = [...register.html.matchAll(/data-kind="(\w+)"/g)].map((m) => m[1]);
    // Gloux's 7 demo shares first (2004–2012), each subscribed and paid up on one day.
    const demo = Array.from({ length: 7 }, () => ['souscription', 'liberation']).flat();
    expect(kinds).toEqual([
      ...demo,
      'souscription',
      'liberation',
      'souscription',
      'cession',
      'liberation',
      'remboursement',
      'remboursement',
      'souscription',
    ]);
    expect(register.html).toContain('10415 → 10431');
    // 368.00 + 2 × 16.00 = 400.00, back to the highest.
    const capital = await getPage('/admin/parts/capital');
    expect(capital.html).toContain(`<strong id="capital-jour">${euros('400.00')}</strong>`);
    expect(capital.html).toContain(`<strong id="plus-haut">${euros('400.00')}</strong>`);
    expect(capital.html).toMatch(/<svg [^>]*role="img"/);
    expect(capital.html).toContain(
      `<input id="jour" name="jour" type="date" value="${today}" required>`,
    );
    const yesterday = await getJson<{ onDay: { capital: string } }>(
      `/api/parts/capital?jour=${addDays(today, -1)}`,
    );
    expect(yesterday.body.onDay.capital).toBe('112.00'); // the demo's shares only
    const bad = await getJson<ApiError>('/api/parts/capital?jour=2026-02-30');
    expect([bad.status, bad.body.error.field]).toEqual([422, 'jour']);
  });

  it('gives the capital listing as a page, a PDF and an xlsx whose totals are numbers', async () => {
    const page = await getPage(`/admin/parts/liste?jour=${today}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Total : 3 associés');
    expect(page.html).toContain(`href="/admin/parts/liste.xlsx?jour=${today}"`);
    expect(page.html).toContain(euros('400.00'));
    const pdf = await download('/admin/parts/liste.pdf');
    expect(pdf.type).toBe('application/pdf');
    const text = pdfText(pdf.body);
    expect(text).toContain('Liste des associés et du capital social au');
    expect(text).toMatch(/2 Association Les Amis .* 10215, 10416–10431 17 272,00 €/);
    expect(text).toContain('Total : 3 associés 25 400,00 €');

    const xlsx = await download(`/admin/parts/liste.xlsx?jour=${today}`);
    expect(xlsx.status).toBe(200);
    const rows = csvRows(await xlsxAsCsv(xlsx.body));
    const members = rows.filter((r) => /^\d+$/.test(r[0]?.value ?? ''));
    expect(members.map((r) => [r[1]!.value, r[3]!.value, r[4]!.value, r[5]!.value])).toEqual([
      ['Association Les Amis', '10215, 10416–10431', '17', '272'],
      ['Lefèvre Anne', '10021–10022, 10414', '3', '48'],
      ['Webcoop SARL', '10087–10089, 10432–10433', '5', '80'],
    ]);
    const total = rows.find((r) => r[1]?.value === 'Total : 3 associés')!;
    expect(total[4]).toEqual({ value: '25', text: false });
    expect(total[5]).toEqual({ value: '400', text: false }); // a number, not text
    const shown = csvRows(await xlsxAsCsv(xlsx.body, { asShown: true }));
    const shownTotal = shown.find((r) => r[1]?.value === 'Total : 3 associés')!;
    expect(shownTotal[5]).toEqual({ value: '400.00 €', text: false }); // with the euro format
  });

  it('shows a cooperator their shares and a certificate, as a page and a PDF', async () => {
    const page = await getPage('/adherents/2/parts');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<strong id="detenues">17 parts</strong>');
    expect(page.html).toContain('10215, 10416–10431');
    const data = await getJson<{ held: { count: number; paidCount: number } }>(
      '/api/adherents/2/parts',
    );
    expect(data.body.held).toMatchObject({ count: 17, paidCount: 17 });
    const certificate = await getPage('/adherents/2/parts/attestation');
    expect(certificate.html).toContain('Attestation de détention de parts sociales');
    const text = pdfText((await download('/adherents/2/parts/attestation.pdf')).body);
    expect(text).toContain('atteste que Association Les Amis (associé n° 2) détient');
    expect(text).toContain('Numéros des parts 10215, 10416–10431');
    expect((await getPage('/adherents/999/parts')).status).toBe(404);
  });
});

describe('shares on the command line', () => {
  let dir: string;
  const run = (args: string[]) => runCli(args, join(dir, 'cli.sqlite'));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gloux2-shares-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The first run seeds the demo and imports its 7 shares (112.00; Dupont, tiers 4, holds 10398).
  it('subscribes, redeems under the floor, and tells the capital', () => {
    const sub = run(['shares:subscribe', '--tiers', '4', '--count', '20']);
    expect(sub.stderr).toBe('');
    expect(sub.stdout).toContain('Souscription — tiers 4 : parts 10413–10432');
    // 112.00 + 20 × 16.00 = 432.00 (floor 108.00); all 21 of Dupont's leave 96.00: refused.
    const redeem = run(['shares:redeem', '--tiers', '4', '--numbers', '10398,10413-10432']);
    expect(redeem.code).toBe(1);
    expect(redeem.stderr).toContain('Remboursement refusé');
    expect(run(['shares:redeem', '--tiers', '4', '--numbers', '10413,10414']).code).toBe(0);
    const capital = run(['shares:capital']);
    expect(capital.stdout).toContain(`Capital au`);
    expect(capital.stdout).toContain(`${euros('400.00')} (25 parts)`);
    expect(capital.stdout).toContain(`plancher : ${euros('108.00')}`);
    const imported = run(['shares:import-legacy']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('0 part sociale importée de Gloux');
  });
});
