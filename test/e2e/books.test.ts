import { describe, expect, it, jest } from '@jest/globals';
import { postForm } from './bank-client.js';
import { DEMO, useAppClient, type ApiError } from './http-client.js';

jest.setTimeout(120_000);

const client = useAppClient({ as: DEMO.treasurer });
const { getPage, getJson, postJson } = client;

describe('closing a fiscal year from its page (demo data, as the treasurer)', () => {
  it('shows what the closing will do, asks for a confirmation, closes, and then refuses 2025 dates', async () => {
    const before = await getPage('/tresorerie/cloture?exercice=2025');
    expect(before.status).toBe(200);
    expect(before.html).toContain('Ce que fera la clôture');
    expect(before.html).toContain('Passer les produits constatés d’avance');

    const unconfirmed = await postForm(client, '/tresorerie/cloture', [['exercice', '2025']]);
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.html).toContain('Cochez la case de confirmation');

    const closed = await postForm(client, '/tresorerie/cloture', [
      ['exercice', '2025'],
      ['confirmation', 'oui'],
    ]);
    expect(closed.status).toBe(303);
    const after = await getPage(closed.location!);
    expect(after.html).toContain('L’exercice 2025 est clôturé.');
    expect(after.html).toMatch(/clôturé le \d{2}\/\d{2}\/\d{4}/);

    const { body } = await getJson<{ closing: { closedOn: string } | null; closingHolds: boolean }>(
      '/api/tresorerie/fec?exercice=2025',
    );
    expect(body.closing).not.toBeNull();
    expect(body.closingHolds).toBe(true);

    // A payment dated in 2025 is refused with a French message, as JSON.
    const refused = await postJson<ApiError>('/api/paiements', {
      customerId: '1',
      method: 'transfer',
      amount: '1.00',
      receivedOn: '2025-12-31',
      reference: 'VIR-2025',
      overpayment: true,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('period_locked');
    expect(refused.body.error.message).toContain('l’exercice 2025 est clôturé');
    const twice = await postJson<ApiError>('/api/tresorerie/cloture', { fiscalYear: 2025 });
    expect(twice.status).toBe(409);
  });

  it('declares a VAT month from the form of its row', async () => {
    const page = await getPage('/tresorerie/cloture?exercice=2026');
    // Each row's form carries its month (a bare {{month}} once called the date helper: empty).
    const months = [...page.html.matchAll(/name="mois" value="([^"]*)"/g)].map((m) => m[1]);
    expect(months.length).toBeGreaterThan(0);
    for (const m of months) expect(m).toMatch(/^2026-\d{2}$/);
    const month = months[0]!;
    expect(page.html).toContain(`data-month="${month}"`);
    const declared = await postForm(client, '/tresorerie/cloture/tva', [
      ['exercice', '2026'],
      ['mois', month],
      ['reference', 'CA3-TEST'],
    ]);
    expect(declared.status).toBe(303);
    const after = await getPage(declared.location!);
    expect(after.html).not.toContain(`name="mois" value="${month}"`);
  });
});
