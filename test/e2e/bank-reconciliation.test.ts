import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ImportBankStatementResult } from '../../src/bank/bank-statement.commands.js';
import type { Reconciliation } from '../../src/bank/reconciliation.service.js';
import { projectRoot } from '../../src/kernel/paths.js';
import { postForm, useCliDatabase } from './bank-client.js';
import { useAppClient, type ApiError } from './http-client.js';

jest.setTimeout(120_000);

const client = useAppClient();
const { getPage, getJson, postJson } = client;

const fixturePath = (name: string) => join(projectRoot, 'test/fixtures/bank', name);

/** The statement form as a browser sends it (multipart), without following the redirect. */
async function upload(
  name: string,
  content: Buffer,
  through: Pick<typeof client, 'fetch'> = client,
) {
  const form = new FormData();
  form.append('releve', new Blob([content]), name);
  const res = await through.fetch('/tresorerie/rapprochement/releves', {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

describe('bank reconciliation over HTTP (demo data)', () => {
  beforeAll(async () => {
    // The demo's cheque of 02/11 (80.00) on a slip handed over on 04/11.
    const slip = await postJson('/api/tresorerie/remises', {
      receivedOn: '2026-11-02',
      depositOn: '2026-11-04',
    });
    expect(slip.status).toBe(201);
  });

  it('imports a CFONB statement through the form, once', async () => {
    const file = readFileSync(fixturePath('releve-cfonb120.txt'));
    const first = await upload('releve-cfonb120.txt', file);
    // The page answers the form itself: nothing of the import travels in a URL.
    expect([first.status, first.location]).toEqual([200, null]);
    expect(first.html).toContain(
      'Relevé releve-cfonb120.txt importé : 6 lignes nouvelles, 0 déjà connue.',
    );
    const again = await upload('releve-cfonb120.txt', file);
    expect(again.html).toContain('0 ligne nouvelle, 6 déjà connues.');
  });

  it('shows the slip matched exactly, confirms it, and can undo it', async () => {
    const v = (await getJson<Reconciliation>('/api/tresorerie/rapprochement')).body;
    const line = v.lines.find((l) => l.amount === '80.00')!;
    expect(line).toMatchObject({ status: 'exact', target: { kind: 'deposit_slip' } });
    const page = await getPage('/tresorerie/rapprochement');
    expect(page.html).toContain('Confirmer le rapprochement exact');
    expect(page.html).toContain(`data-status="exact" data-line="${line.lineId}"`);
    const confirmed = await postForm(client, '/tresorerie/rapprochement/confirmation', [
      ['rapprochement', `${line.lineId}|${line.target!.input}`],
    ]);
    expect(confirmed.status).toBe(303);
    expect((await getPage(confirmed.location!)).html).toContain(
      `data-status="matched" data-line="${line.lineId}"`,
    );
    const twice = await postJson<ApiError>('/api/tresorerie/rapprochements', {
      matches: [{ lineId: line.lineId, target: { kind: 'deposit_slip', number: 2 } }],
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_matched');
    const undone = await postForm(client, '/tresorerie/rapprochement/annulation', [
      ['ligne', line.lineId],
    ]);
    expect(undone.status).toBe(303);
    expect((await getPage(undone.location!)).html).toContain('Rapprochement défait.');
  });

  it('books an unmatched line from the page (bank fees) and the API, in French when refused', async () => {
    const v = (await getJson<Reconciliation>('/api/tresorerie/rapprochement')).body;
    const fees = v.lines.find((l) => l.amount === '-12.34')!;
    const bounced = v.lines.find((l) => l.amount === '-55.55')!;
    expect(fees.status).toBe('unmatched');
    const page = await getPage('/tresorerie/rapprochement');
    expect(page.html).toContain('<option value="bounce_fee">Frais de chèque impayé (627)</option>');
    const booked = await postForm(client, '/tresorerie/rapprochement/comptabilisation', [
      ['ligne', fees.lineId],
      ['nature', 'bank_fee'],
      ['date', ''],
      ['motif', ''],
    ]);
    expect(booked.status).toBe(303);
    const after = await getPage(booked.location!);
    expect(after.html).toContain('Ligne comptabilisée.');
    expect(after.html).toContain(`data-status="booked" data-line="${fees.lineId}"`);
    const noReason = await postForm(client, '/tresorerie/rapprochement/comptabilisation', [
      ['ligne', bounced.lineId],
      ['nature', 'ignored'],
      ['motif', ''],
    ]);
    expect(noReason.status).toBe(422);
    expect(noReason.html).toContain('Dites pourquoi la ligne est ignorée (motif).');
    const api = await postJson<{ kind: string; on: string }>(
      '/api/tresorerie/rapprochements/comptabilisation',
      { lineId: bounced.lineId, kind: 'bounce_fee' },
    );
    expect(api.status).toBe(201);
    expect(api.body).toMatchObject({ kind: 'bounce_fee', on: bounced.bookedOn });
    const twice = await postJson<ApiError>('/api/tresorerie/rapprochements/comptabilisation', {
      lineId: bounced.lineId,
      kind: 'bank_fee',
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_matched');
    const undone = await postForm(client, '/tresorerie/rapprochement/annulation', [
      ['ligne', bounced.lineId],
    ]);
    expect(undone.status).toBe(303);
    const view = (await getJson<Reconciliation>('/api/tresorerie/rapprochement')).body;
    expect(view.lines.find((l) => l.lineId === bounced.lineId)!.status).toBe('unmatched');
  });

  it('answers a bad file in French naming the line (page) and as JSON (API)', async () => {
    const bad = readFileSync(fixturePath('releve-ofx1.ofx'), 'latin1').replace(
      '<TRNAMT>80.00',
      '<TRNAMT>quatre-vingts',
    );
    const page = await upload('faux.ofx', Buffer.from(bad, 'latin1'));
    expect(page.status).toBe(422);
    expect(page.html).toContain(
      'Relevé illisible, ligne 40 : opération OFX n° 1 : montant &quot;quatre-vingts&quot; invalide.',
    );
    const api = await postJson<ApiError>('/api/tresorerie/releves', {
      fileName: 'faux.ofx',
      content: bad,
    });
    expect(api.status).toBe(422);
    expect(api.body.error).toMatchObject({ code: 'invalid_file', field: 'file' });
    const ok = await postJson<ImportBankStatementResult>('/api/tresorerie/releves', {
      fileName: 'camt.xml',
      content: readFileSync(fixturePath('releve-camt053.xml'), 'utf8'),
    });
    expect(ok.status).toBe(201);
    // The same days as the CFONB statement imported above: nothing new (issue 16, item 16).
    expect(ok.body).toMatchObject({ format: 'camt053', imported: 0, skipped: 3 });
  });
});

describe('a bank export holding other accounts (BANK_ACCOUNTS set)', () => {
  const own = useAppClient({ env: { BANK_ACCOUNTS: 'FR76 3000 4001 2300 0123 4567 843' } });

  it('imports the cooperative’s account and names the others on the page', async () => {
    const file = readFileSync(fixturePath('releve-cfonb120-comptes.txt'));
    const sent = await upload('releve-cfonb120-comptes.txt', file, own);
    // The accounts left out are said on the page that answers the form, never in its URL.
    expect([sent.status, sent.location]).toEqual([200, null]);
    expect(sent.html).toContain(
      'Relevé releve-cfonb120-comptes.txt importé : 3 lignes nouvelles, 0 déjà connue. Comptes qui ne sont pas ceux de la coopérative, rien n’en est importé (nombre de mouvements) : FR7630004001230009876543253 (1).',
    );
    const view = await own.getJson<Reconciliation>(
      '/api/tresorerie/rapprochement?du=2026-11-01&au=2026-11-30',
    );
    expect(view.body.lines.map((l) => l.account)).toEqual([
      'FR7630004001230001234567843',
      'FR7630004001230001234567843',
      'FR7630004001230001234567843',
    ]);
    expect(view.body.balances).toMatchObject([
      { account: 'FR7630004001230001234567843', on: '2026-11-06', amount: '1117.30' },
    ]);
  });
});

describe('bank statements on the command line', () => {
  const { run, file } = useCliDatabase('gloux2-bank-');

  it('imports a statement twice (nothing new the second time) and lists the matching', () => {
    expect(run(['deposit-slip:create', '--day', '2026-11-02', '--on', '2026-11-04']).code).toBe(0);
    const file = fixturePath('releve-cfonb120.txt');
    const first = run(['bank:import', '--file', file]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('6 lignes nouvelles, 0 déjà connue');
    expect(run(['bank:import', '--file', file]).stdout).toContain('0 ligne nouvelle');
    const matched = run([
      'bank:match',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-30',
      '--confirm-exact',
    ]);
    expect(matched.stdout).toContain('1 rapprochement exact confirmé.');
    // Slip 1 is the demo's (its cheque bounced after the deposit).
    expect(matched.stdout).toMatch(/rapprochée — Bordereau n° 2/);
    const bad = run(['bank:import', '--file', fixturePath('../../../README.md')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Relevé illisible');
  });

  it('books an unmatched line (bank:book-line): D 627 in the export, French errors', () => {
    const book = (...args: string[]) => run(['bank:book-line', ...args]);
    // A negative value goes after '=' (a separate '-12,34' would read as an option).
    const fees = ['--day', '2026-11-06', '--amount=-12,34'];
    const noKind = book(...fees);
    expect(noKind.code).toBe(1);
    expect(noKind.stderr).toContain('Indiquez --kind : bank_fee (Frais bancaires (627))');
    const noLine = book('--kind', 'bank_fee');
    expect(noLine.code).toBe(1);
    expect(noLine.stderr).toContain('Indiquez la ligne : --line ID, ou --day AAAA-MM-JJ');
    const badAmount = book('--day', '2026-11-06', '--amount', 'douze', '--kind', 'bank_fee');
    expect(badAmount.stderr).toContain('Montant invalide : douze');
    const none = book('--day', '2026-11-07', '--amount=-12.34', '--kind', 'bank_fee');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('Aucune ligne de relevé du 07/11/2026 de -12,34');
    const noReason = book('--day', '2026-11-10', '--amount=-55.55', '--kind', 'ignored');
    expect(noReason.stderr).toContain('Dites pourquoi la ligne est ignorée (--reason).');

    const booked = book(...fees, '--kind', 'bank_fee');
    expect(booked.stderr).toBe('');
    expect(booked.stdout).toContain('Ligne comptabilisée le 06/11/2026 : Frais bancaires (627).');
    const twice = book(...fees, '--kind', 'bank_fee');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('est déjà rapprochée ou comptabilisée');
    const ignored = book(
      ...['--day', '2026-11-10', '--amount=-55.55', '--kind', 'ignored', '--reason', 'Contesté'],
    );
    expect(ignored.stdout).toContain('Ligne ignorée (sans écriture) le 10/11/2026.');

    const out = file('fec-2026.txt');
    expect(run(['report:fec', '--year', '2026', '--out', out]).code).toBe(0);
    const rows = readFileSync(out, 'latin1').split('\r\n');
    const fee = rows.filter((r) => r.includes('\tFrais bancaires : FRAIS TENUE DE COMPTE\t'));
    expect(fee.map((r) => r.split('\t').slice(3, 5).concat(r.split('\t').slice(11, 13)))).toEqual([
      ['20261106', '512', '0,00', '12,34'],
      ['20261106', '627', '12,34', '0,00'],
    ]);
    expect(rows.some((r) => r.includes('Contesté'))).toBe(false);
  });
});
