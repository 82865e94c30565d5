import { memberPageUrl, noticeText, type MemberNotice } from './member-notice.js';

/** The notice the member's page shows after the redirect to `url`. */
const shown = (url: string) =>
  noticeText(Object.fromEntries(new URL(url, 'http://panel').searchParams.entries()));

describe('the notice carried to the member page', () => {
  it.each<[MemberNotice, string]>([
    [{ kind: 'cheque', numbers: 'F2026-000001' }, 'Chèque enregistré (facture F2026-000001).'],
    [
      { kind: 'paiement', numbers: 'F2026-000001, F2026-000002', amount: '50.00', credit: '20.00' },
      'Paiement de 50,00\u00a0€ enregistré (factures F2026-000001, F2026-000002). Mis au crédit : 20,00\u00a0€.',
    ],
    [
      { kind: 'avoir', numbers: 'A2026-000003', amount: '1234.50', credit: '0.00' },
      'Avoir A2026-000003 établi (1\u202f234,50\u00a0€).',
    ],
    [{ kind: 'impaye', amount: '50.00' }, 'Chèque impayé enregistré : 50,00\u00a0€ repris.'],
    [{ kind: 'credit-rembourse', amount: '8.00' }, 'Crédit remboursé : 8,00\u00a0€.'],
  ])('%j reads %j', (notice, text) => {
    const url = memberPageUrl('3', notice);
    expect(url.startsWith('/adherents/3?')).toBe(true);
    expect(shown(url)).toBe(text);
  });

  it('leaves out what is not an amount or a document number, and shows nothing for an unknown kind', () => {
    expect(noticeText({ avis: 'remboursement', montant: '1e9' })).toBe('Remboursement enregistré.');
    expect(noticeText({ avis: 'cheque', numeros: '<script>' })).toBe('Chèque enregistré.');
    expect(noticeText({ avis: 'autre' })).toBeNull();
    expect(noticeText({})).toBeNull();
  });
});
