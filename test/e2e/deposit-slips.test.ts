import { readFileSync } from 'node:fs';
import { describe, expect, it, jest } from '@jest/globals';
import type { DepositSlipResult } from '../../src/bank/deposit-slip.commands.js';
import type { PendingDay } from '../../src/bank/deposit-slip-pages.service.js';
import { pdfText } from '../support/pdf-text.js';
import { postForm, useCliDatabase } from './bank-client.js';
import { euros, useAppClient, type ApiError } from './http-client.js';

jest.setTimeout(120_000);

const client = useAppClient();
const { getPage, getJson, postJson } = client;

interface Overview {
  pending: PendingDay[];
  pendingCount: number;
  slips: { number: number; status: string; total: string }[];
}

describe('deposit slips over HTTP (demo data)', () => {
  it('lists the demo cheques waiting to be deposited, grouped by day of receipt', async () => {
    const page = await getPage('/tresorerie/remises');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Remises de chèques');
    expect(page.html).toContain('0000778');
    const { body } = await getJson<Overview>('/api/tresorerie/remises');
    const days = body.pending.map((d) => d.receivedOn);
    expect(days).toContain('2026-11-02');
    // The bounced demo cheque (0002468) can no longer be deposited.
    expect(body.pending.flatMap((d) => d.cheques.map((c) => c.reference))).not.toContain('0002468');
    // It bounced after its deposit (slip 1 of 2026-06-12): a cheque never deposited cannot bounce.
    const slip = await getPage('/tresorerie/remises/1');
    expect(slip.status).toBe(200);
    expect(slip.html).toContain('0002468');
  });

  it('builds a slip from one day with the form, prints it, and refuses it twice', async () => {
    const before = (await getJson<Overview>('/api/tresorerie/remises')).body;
    const day = before.pending.find((d) => d.receivedOn === '2026-11-02')!;
    const created = await postForm(client, '/tresorerie/remises', [
      ['date_remise', '2026-11-03'],
      ['jour', '2026-11-02'],
      ['cle', 'e2e-slip-1'],
    ]);
    expect(created.status).toBe(303);
    const number = Number(created.location?.split('/').pop());
    expect(number).toBeGreaterThan(0);
    const page = await getPage(`/tresorerie/remises/${number}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<td id="numero">${number}</td>`);
    expect(page.html).toContain(euros(day.total));
    const pdf = await client.fetch(`/tresorerie/remises/${number}/pdf`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(Buffer.from(await pdf.arrayBuffer()));
    expect(text).toContain(`Bordereau de remise de chèques n° ${number}`);
    expect(text).toContain('0000778');
    expect(text).toContain('Signature du remettant :');

    const again = await postJson<ApiError>('/api/tresorerie/remises', {
      paymentIds: day.cheques.map((c) => c.paymentId),
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'already_deposited', field: 'paymentIds' });
  });

  it('answers an empty selection with a French error on the page and JSON on the API', async () => {
    const form = await postForm(client, '/tresorerie/remises', [['date_remise', '2026-11-03']]);
    expect(form.status).toBe(422);
    expect(form.html).toContain('Choisissez au moins un chèque.');
    const api = await postJson<ApiError>('/api/tresorerie/remises', { depositOn: 'hier' });
    expect(api.status).toBe(422);
    expect(api.body.error.code).toBe('invalid_input');
    expect((await getPage('/tresorerie/remises/999')).status).toBe(404);
  });

  it('builds a slip from ticked cheques through the API, then cancels it (kept, marked)', async () => {
    const { body } = await getJson<Overview>('/api/tresorerie/remises');
    const ids = body.pending.flatMap((d) => d.cheques.map((c) => c.paymentId)).slice(0, 2);
    const r = await postJson<DepositSlipResult>('/api/tresorerie/remises', { paymentIds: ids });
    expect(r.status).toBe(201);
    const path = `/tresorerie/remises/${r.body.number}/annulation`;
    // The form asks first, with what the cancellation will do; nothing is cancelled yet.
    const asked = await postForm(client, path, [['motif', 'bordereau égaré']]);
    expect(asked.status).toBe(200);
    expect(asked.html).toContain(`Annuler le bordereau n° ${r.body.number} ?`);
    expect(asked.html).toContain('Ces 2 chèques redeviennent à remettre');
    expect((await getPage(`/tresorerie/remises/${r.body.number}`)).html).toContain(
      'id="annulation"',
    );
    const cancelled = await postForm(client, path, [
      ['motif', 'bordereau égaré'],
      ['confirme', 'oui'],
    ]);
    expect(cancelled.status).toBe(303);
    const page = await getPage(`/tresorerie/remises/${r.body.number}`);
    expect(page.html).toContain('bordereau égaré');
    const after = (await getJson<Overview>('/api/tresorerie/remises')).body;
    expect(after.slips.find((s) => s.number === r.body.number)?.status).toBe('cancelled');
    expect(after.pendingCount).toBe(body.pendingCount);
  });
});

describe('deposit slips on the command line', () => {
  const { run, file } = useCliDatabase('gloux2-slips-');

  it('creates a slip for a day with its PDF, lists it and cancels it', () => {
    const out = file('slip.pdf');
    const created = run([
      'deposit-slip:create',
      '--day',
      '2026-11-02',
      '--on',
      '2026-11-03',
      '--out',
      out,
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    // Slip 1 is the demo's (the cheque that bounced after its deposit).
    expect(created.stdout).toMatch(/Bordereau n° 2 du 03\/11\/2026 : 1 chèque, 80,00/);
    expect(pdfText(readFileSync(out))).toContain('Bordereau de remise de chèques n° 2');
    expect(run(['deposit-slip:list', '--number', '2']).stdout).toContain('0000778');
    const refused = run(['deposit-slip:cancel', '--number', '2']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('motif');
    expect(run(['deposit-slip:cancel', '--number', '2', '--reason', 'test']).stdout).toContain(
      'annulé',
    );
  });
});
