import { formatDayFr, parseDay, type Day } from '../shared/day.js';
import { DomainError, parseField } from '../shared/errors.js';
import { Dec, parseDecimal } from '../shared/money.js';
import type { VatCategory, VatRateScheduled } from './events.js';

/** One entry of the dated VAT schedule, as recorded (in recording order). */
export interface VatScheduleEntry {
  readonly category: VatCategory;
  readonly rate: string;
  readonly effectiveFrom: Day;
}

export const VAT_CATEGORY_LABELS: Readonly<Record<VatCategory, string>> = {
  standard: 'taux normal',
  exempt: 'hors champ (exonéré)',
};

/** Categories an entry may be scheduled for ('exempt' is 0 by definition). */
export const SCHEDULABLE_CATEGORIES: readonly VatCategory[] = ['standard'];

/**
 * The entry in force on `day` for `category`: the latest effective date on or before `day`;
 * two entries for the same day → the one recorded last (a correction). Null when none.
 */
export function entryInForce<E extends VatScheduleEntry>(
  entries: readonly E[],
  category: VatCategory,
  day: Day,
): E | null {
  let found: E | null = null;
  for (const e of entries) {
    if (e.category !== category || e.effectiveFrom > day) continue;
    if (found === null || e.effectiveFrom >= found.effectiveFrom) found = e;
  }
  return found;
}

/**
 * The rate in force on `day` for `category` ('exempt' is always 0). Throws a DomainError
 * when the schedule has no rate for that day: it never guesses.
 */
export function vatRateOn(
  entries: readonly VatScheduleEntry[],
  category: VatCategory,
  day: Day,
): string {
  if (category === 'exempt') return '0';
  const found = entryInForce(entries, category, day);
  if (!found) {
    throw new DomainError(
      'vat_rate_missing',
      `Aucun taux de TVA (${VAT_CATEGORY_LABELS[category]}) n’est en vigueur le ${formatDayFr(day)} : ajoutez-le au barème de TVA (Catalogue).`,
      'vatRate',
      { category, day },
    );
  }
  return found.rate;
}

export interface ScheduleVatRate {
  category?: string;
  rate: string;
  effectiveFrom: string;
  reason?: string;
}

/** Checks an entry and returns its event. The schedule only grows: nothing already issued moves. */
export function decideScheduleVatRate(
  entries: readonly VatScheduleEntry[],
  cmd: ScheduleVatRate,
  ctx: { entryId: string },
): VatRateScheduled[] {
  const category = (cmd.category ?? 'standard') as VatCategory;
  if (!SCHEDULABLE_CATEGORIES.includes(category)) {
    throw new DomainError(
      'invalid_input',
      'Catégorie de TVA inconnue ou non programmable (seul le taux normal se programme).',
      'category',
    );
  }
  const rate = parseField(
    'rate',
    () => parseDecimal(String(cmd.rate ?? '').replace(',', '.'), 2),
    'Le taux de TVA est invalide (ex. 20 ou 5,5).',
  );
  if (rate.isNegative() || rate.greaterThanOrEqualTo(100)) {
    throw new DomainError(
      'invalid_input',
      'Le taux de TVA doit être compris entre 0 et 100.',
      'rate',
    );
  }
  const effectiveFrom = parseField(
    'effectiveFrom',
    () => parseDay(cmd.effectiveFrom),
    'La date d’effet est invalide (AAAA-MM-JJ).',
  );
  const reason = String(cmd.reason ?? '').trim();
  if (reason.length > 255) {
    throw new DomainError('invalid_input', 'Le motif fait au plus 255 caractères.', 'reason');
  }
  const normalised = new Dec(rate).toString();
  const same = entries.filter((e) => e.category === category && e.effectiveFrom === effectiveFrom);
  if (same.length > 0 && same[same.length - 1]!.rate === normalised) {
    throw new DomainError(
      'already_scheduled',
      `Le taux de ${normalised.replace('.', ',')} % est déjà programmé à partir du ${formatDayFr(effectiveFrom)}.`,
      'effectiveFrom',
    );
  }
  return [
    {
      type: 'VatRateScheduled',
      data: { entryId: ctx.entryId, category, rate: normalised, effectiveFrom, reason },
    },
  ];
}

export function evolveVatSchedule(
  entries: readonly VatScheduleEntry[],
  event: VatRateScheduled,
): VatScheduleEntry[] {
  const { category, rate, effectiveFrom } = event.data;
  return [...entries, { category, rate, effectiveFrom }];
}

/** France's standard rate since 2000 (CGI art. 278): fixed entries, recorded once. */
export const FRANCE_STANDARD_RATE_HISTORY: readonly (ScheduleVatRate & {
  idempotencyKey: string;
})[] = [
  {
    idempotencyKey: 'vat-history-fr-standard-2000-04-01',
    category: 'standard',
    rate: '19.6',
    effectiveFrom: '2000-04-01',
    reason: 'Taux normal français (loi de finances rectificative 2000)',
  },
  {
    idempotencyKey: 'vat-history-fr-standard-2014-01-01',
    category: 'standard',
    rate: '20',
    effectiveFrom: '2014-01-01',
    reason: 'Taux normal français (loi de finances rectificative 2012)',
  },
];
