import { vatRateOn, type VatScheduleEntry } from '../catalogue/vat-schedule.js';
import { DomainError } from '../shared/errors.js';
import { validateIssueInvoice, type InvoiceCatalogue, type IssueInvoice } from './invoice.js';

const schedule: VatScheduleEntry[] = [
  { category: 'standard', rate: '19.6', effectiveFrom: '2000-04-01' },
  { category: 'standard', rate: '20', effectiveFrom: '2014-01-01' },
];
const catalogue: InvoiceCatalogue = {
  product: (id) =>
    ({
      '1': { type: 'plaque', vatCategory: 'standard' },
      '4': { type: 'part_sociale', vatCategory: 'exempt' },
    })[id] as ReturnType<InvoiceCatalogue['product']>,
  vatRateOn: (category, day) => vatRateOn(schedule, category, day),
};

const invoice = (issuedOn: string, line: Partial<IssueInvoice['lines'][number]>): IssueInvoice => ({
  customerId: '1',
  issuedOn,
  lines: [
    {
      label: 'Plaque de base',
      net: '100.00',
      serviceStart: issuedOn,
      serviceEnd: issuedOn,
      ...line,
    },
  ],
});

function refusal(cmd: IssueInvoice): DomainError {
  try {
    validateIssueInvoice(cmd, { lineId: () => 'L', catalogue });
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError');
}

describe('invoice lines naming a product', () => {
  it('take the schedule’s rate on the invoice date when they give none', () => {
    const on = (day: string) =>
      validateIssueInvoice(invoice(day, { productId: '1' }), { lineId: () => 'L', catalogue })
        .lines[0];
    expect(on('2013-12-31')).toMatchObject({ vatRate: '19.6', vat: '19.60', total: '119.60' });
    expect(on('2014-01-01')).toMatchObject({ vatRate: '20', vat: '20.00', total: '120.00' });
  });

  it('keep a rate they give (a correction, an import)', () => {
    const v = validateIssueInvoice(invoice('2026-01-10', { productId: '1', vatRate: '19.6' }), {
      lineId: () => 'L',
      catalogue,
    });
    expect(v.lines[0]?.vatRate).toBe('19.6');
  });

  it('are refused for an unknown product or a share, naming the line', () => {
    const unknown = refusal(invoice('2026-01-10', { productId: '99' }));
    expect([unknown.code, unknown.field]).toEqual(['invalid_input', 'lines[0].productId']);
    expect(unknown.message).toContain('produit n° 99 inconnu');
    const share = refusal(invoice('2026-01-10', { productId: '4', vatRate: '0' }));
    expect([share.code, share.field]).toEqual(['invalid_input', 'lines[0].productId']);
    expect(share.message).toContain('part sociale');
  });

  it('are refused when no rate is in force on the invoice date', () => {
    const e = refusal(invoice('1999-12-31', { productId: '1' }));
    expect([e.code, e.field]).toEqual(['vat_rate_missing', 'lines[0].vatRate']);
    expect(e.message).toMatch(/^Ligne 1 : Aucun taux de TVA/);
  });

  it('need a rate when they name no product', () => {
    expect(refusal(invoice('2026-01-10', {})).field).toBe('lines[0].vatRate');
  });
});
