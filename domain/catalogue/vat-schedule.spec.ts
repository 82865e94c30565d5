import { DomainError } from '../shared/errors.js';
import { vatCategoryOf } from './catalogue.js';
import {
  decideScheduleVatRate,
  evolveVatSchedule,
  FRANCE_STANDARD_RATE_HISTORY,
  vatRateOn,
  type VatScheduleEntry,
} from './vat-schedule.js';

const france: VatScheduleEntry[] = FRANCE_STANDARD_RATE_HISTORY.reduce<VatScheduleEntry[]>(
  (entries, cmd, i) =>
    decideScheduleVatRate(entries, cmd, { entryId: `e${i}` }).reduce(evolveVatSchedule, entries),
  [],
);

function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError');
}

describe('VAT schedule', () => {
  it('holds France’s standard rate: 19.6 % until 2013-12-31, 20 % from 2014-01-01', () => {
    expect(vatRateOn(france, 'standard', '2000-04-01')).toBe('19.6');
    expect(vatRateOn(france, 'standard', '2009-03-05')).toBe('19.6');
    expect(vatRateOn(france, 'standard', '2013-12-31')).toBe('19.6');
    expect(vatRateOn(france, 'standard', '2014-01-01')).toBe('20');
    expect(vatRateOn(france, 'standard', '2026-11-25')).toBe('20');
  });

  it('refuses to guess before the first entry, with a French message', () => {
    const e = domainError(() => vatRateOn(france, 'standard', '2000-03-31'));
    expect(e.code).toBe('vat_rate_missing');
    expect(e.message).toContain('31/03/2000');
    expect(() => vatRateOn([], 'standard', '2026-01-01')).toThrow(DomainError);
  });

  it('gives 0 for the exempt category (shares) without any entry', () => {
    expect(vatRateOn([], 'exempt', '1990-01-01')).toBe('0');
  });

  it('applies a later entry from its effective date only; a same-day correction wins', () => {
    let s = decideScheduleVatRate(
      france,
      { rate: '21', effectiveFrom: '2027-01-01', reason: 'hypothèse' },
      { entryId: 'x' },
    ).reduce(evolveVatSchedule, france);
    expect(vatRateOn(s, 'standard', '2026-12-31')).toBe('20');
    expect(vatRateOn(s, 'standard', '2027-01-01')).toBe('21');
    s = decideScheduleVatRate(
      s,
      { rate: '20,5', effectiveFrom: '2027-01-01' },
      { entryId: 'y' },
    ).reduce(evolveVatSchedule, s);
    expect(vatRateOn(s, 'standard', '2027-06-01')).toBe('20.5');
  });

  it('validates an entry: rate, date, category, and the same entry twice', () => {
    const decide = (cmd: Parameters<typeof decideScheduleVatRate>[1]) =>
      domainError(() => decideScheduleVatRate(france, cmd, { entryId: 'z' }));
    expect(decide({ rate: 'abc', effectiveFrom: '2027-01-01' }).field).toBe('rate');
    expect(decide({ rate: '100', effectiveFrom: '2027-01-01' }).field).toBe('rate');
    expect(decide({ rate: '-1', effectiveFrom: '2027-01-01' }).field).toBe('rate');
    expect(decide({ rate: '20', effectiveFrom: '2027-02-30' }).field).toBe('effectiveFrom');
    expect(decide({ rate: '20', effectiveFrom: '2027-01-01', category: 'exempt' }).field).toBe(
      'category',
    );
    expect(decide({ rate: '20.00', effectiveFrom: '2014-01-01' }).code).toBe('already_scheduled');
    const [event] = decideScheduleVatRate(
      france,
      { rate: ' 5,5 ', effectiveFrom: '2027-01-01', reason: '  test  ' },
      { entryId: 'k' },
    );
    expect(event?.data).toEqual({
      entryId: 'k',
      category: 'standard',
      rate: '5.5',
      effectiveFrom: '2027-01-01',
      reason: 'test',
    });
  });
});

describe('product VAT category', () => {
  it('puts shares and Gloux’s 0 % products outside VAT, everything else at the standard rate', () => {
    expect(vatCategoryOf('part_sociale', '0')).toBe('exempt');
    expect(vatCategoryOf('part_sociale', '19.6')).toBe('exempt');
    expect(vatCategoryOf('divers', '0.00')).toBe('exempt');
    expect(vatCategoryOf('plaque', '19.6')).toBe('standard');
    expect(vatCategoryOf('option', '5.5')).toBe('standard');
  });
});
