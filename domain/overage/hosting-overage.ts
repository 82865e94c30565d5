import {
  addDays,
  daysInclusive,
  formatDayFr,
  maxDay,
  minDay,
  parseDay,
  type Day,
} from '../shared/day.js';
import { DomainError, parseField } from '../shared/errors.js';
import { Dec, Money } from '../shared/money.js';
import type {
  HostingOverageEvent,
  MonthlyEstimate,
  OverageCharge,
  OverageCharged,
  OverageResolution,
  OverageResource,
} from './events.js';
import {
  daysInMonth,
  firstDayOf,
  formatMonthFr,
  lastDayOf,
  monthOf,
  monthsBetween,
  nextMonth,
  previousMonth,
  type Month,
} from './months.js';
import {
  KO_PER_GO,
  KO_PER_MO,
  monthlyEstimate,
  priced,
  startedBlocks,
  type OveragePricing,
} from './pricing.js';

/** One reading kept in an episode (the figures stand until the next one). */
export interface Observation {
  readonly on: Day;
  readonly measured: number;
  readonly quota: number;
  readonly excess: number;
}

/** One stretch of time a resource of a hosting was over its quota. */
export interface Episode {
  readonly resource: OverageResource;
  readonly since: Day;
  readonly graceEndsOn: Day;
  readonly observations: readonly Observation[];
  readonly estimate: MonthlyEstimate;
  readonly resolved: {
    readonly on: Day;
    readonly reason: OverageResolution;
    readonly measured: number;
    readonly quota: number;
  } | null;
  /** Months already turned into pending lines. */
  readonly chargedMonths: readonly Month[];
}

export interface HostingOverageState {
  readonly hostingId: string;
  readonly customerId: string;
  readonly hostingName: string;
  readonly episodes: readonly Episode[];
  readonly charges: readonly OverageCharge[];
  /** Latest day recorded: a reading for an earlier day is ignored (the log only moves forward). */
  readonly lastDay: Day | null;
}

export const initialHostingOverageState: HostingOverageState = {
  hostingId: '',
  customerId: '',
  hostingName: '',
  episodes: [],
  charges: [],
  lastDay: null,
};

function withEpisode(
  state: HostingOverageState,
  resource: OverageResource,
  since: Day,
  change: (e: Episode) => Episode,
): Episode[] {
  return state.episodes.map((e) => (e.resource === resource && e.since === since ? change(e) : e));
}

const later = (a: Day | null, b: Day) => (a === null ? b : maxDay(a, b));

/** An event dated `on` about the episode (resource, since). */
function onEpisode(
  state: HostingOverageState,
  d: { resource: OverageResource; since: Day; on: Day },
  change: (e: Episode) => Episode,
): HostingOverageState {
  return {
    ...state,
    lastDay: later(state.lastDay, d.on),
    episodes: withEpisode(state, d.resource, d.since, change),
  };
}

export function evolveHostingOverage(
  state: HostingOverageState,
  event: HostingOverageEvent,
): HostingOverageState {
  switch (event.type) {
    case 'OverageDetected': {
      const d = event.data;
      return {
        ...state,
        hostingId: d.hostingId,
        customerId: d.customerId,
        hostingName: d.hostingName,
        lastDay: later(state.lastDay, d.since),
        episodes: [
          ...state.episodes,
          {
            resource: d.resource,
            since: d.since,
            graceEndsOn: d.graceEndsOn,
            observations: [{ on: d.since, measured: d.measured, quota: d.quota, excess: d.excess }],
            estimate: d.estimate,
            resolved: null,
            chargedMonths: [],
          },
        ],
      };
    }
    case 'OverageMeasured': {
      const d = event.data;
      return onEpisode(state, d, (e) => ({
        ...e,
        estimate: d.estimate,
        observations: [
          ...e.observations,
          { on: d.on, measured: d.measured, quota: d.quota, excess: d.excess },
        ],
      }));
    }
    case 'OverageResolved': {
      const d = event.data;
      return onEpisode(state, d, (e) => ({
        ...e,
        resolved: { on: d.on, reason: d.reason, measured: d.measured, quota: d.quota },
      }));
    }
    case 'OverageCharged': {
      const d = event.data;
      const month = monthOf(d.periodStart);
      return {
        ...state,
        lastDay: later(state.lastDay, d.chargedOn),
        charges: [...state.charges, d],
        episodes: withEpisode(state, d.resource, d.since, (e) =>
          e.chargedMonths.includes(month)
            ? e
            : { ...e, chargedMonths: [...e.chargedMonths, month] },
        ),
      };
    }
  }
}

export function openEpisode(state: HostingOverageState, resource: OverageResource): Episode | null {
  return state.episodes.find((e) => e.resource === resource && e.resolved === null) ?? null;
}

/** One reading of one resource, in its base unit (ko, ko, boxes). */
export interface UsageReading {
  readonly resource: OverageResource;
  readonly measured: number;
  readonly quota: number;
  /** Traffic only: the whole previous calendar month, to close that month with its true total. */
  readonly previousMonth?: { readonly month: Month; readonly measured: number };
}

export interface RecordUsage {
  readonly hostingId: string;
  readonly customerId: string;
  readonly hostingName: string;
  readonly on: Day;
  readonly readings: readonly UsageReading[];
}

export interface OverageRules {
  /** Days between the warning and the first billable day. */
  readonly graceDays: number;
  readonly pricing: OveragePricing;
  /** VAT rate in force on a day (the dated schedule), in percent. */
  readonly vatRateOn: (day: Day) => string;
}

function checkedCount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new DomainError('invalid_input', `Relevé invalide (${field}).`, field);
  }
  return value;
}

function checkedReadings(cmd: RecordUsage): UsageReading[] {
  const seen = new Set<OverageResource>();
  return cmd.readings.map((r, i) => {
    const at = `readings[${i}]`;
    if (seen.has(r.resource)) {
      throw new DomainError('invalid_input', 'Deux relevés pour la même ressource.', at);
    }
    seen.add(r.resource);
    checkedCount(r.measured, `${at}.measured`);
    // A quota of 0 is Gloux's "unset": such a resource is not checked, never billed.
    if (checkedCount(r.quota, `${at}.quota`) === 0) {
      throw new DomainError('invalid_input', 'Quota nul : ressource non contrôlée.', at);
    }
    if (r.previousMonth) checkedCount(r.previousMonth.measured, `${at}.previousMonth`);
    return r;
  });
}

/**
 * Records one day's readings of one hosting account:
 * - a resource going over is detected (the warning) and gets a grace period;
 * - while over, a changed reading is recorded; back under (or, for traffic, a new month), the
 *   episode is resolved;
 * - every complete month (or resolved episode) of billable days becomes pending lines.
 * The same readings on the same day give no new event; an earlier day gives none either.
 */
export function decideRecordUsage(
  state: HostingOverageState,
  cmd: RecordUsage,
  rules: OverageRules,
): HostingOverageEvent[] {
  const on = parseField('on', () => parseDay(cmd.on), 'Date de relevé invalide (AAAA-MM-JJ).');
  const readings = checkedReadings(cmd);
  if (!Number.isInteger(rules.graceDays) || rules.graceDays < 0) {
    throw new DomainError('invalid_config', 'Le délai de grâce doit être un nombre de jours.');
  }
  if (state.lastDay !== null && on < state.lastDay) return [];
  const out = new Emitter(state, cmd);
  // Traffic is counted per calendar month: a month over ends with its month.
  for (const e of out.state.episodes) {
    if (e.resource !== 'traffic' || e.resolved !== null) continue;
    const month = monthOf(e.since);
    if (month >= monthOf(on)) continue;
    const last = e.observations[e.observations.length - 1]!;
    const whole = readings.find((r) => r.resource === 'traffic')?.previousMonth;
    const measured =
      whole?.month === month ? Math.max(whole.measured, last.measured) : last.measured;
    out.resolve(e, firstDayOf(nextMonth(month)), 'month_ended', measured, last.quota);
  }
  for (const r of readings) {
    const excess = Math.max(0, r.measured - r.quota);
    const open = openEpisode(out.state, r.resource);
    const estimate = monthlyEstimate(excess, rules.pricing[r.resource], rules.vatRateOn(on));
    if (excess > 0 && !open) {
      out.emit({
        type: 'OverageDetected',
        data: {
          ...out.ids,
          hostingName: cmd.hostingName,
          resource: r.resource,
          measured: r.measured,
          quota: r.quota,
          excess,
          since: on,
          graceEndsOn: addDays(on, rules.graceDays),
          estimate,
        },
      });
    } else if (excess > 0 && open) {
      const last = open.observations[open.observations.length - 1]!;
      const same =
        last.measured === r.measured &&
        last.quota === r.quota &&
        JSON.stringify(open.estimate) === JSON.stringify(estimate);
      if (!same) {
        out.emit({
          type: 'OverageMeasured',
          data: {
            ...out.ids,
            resource: r.resource,
            since: open.since,
            on,
            measured: r.measured,
            quota: r.quota,
            excess,
            estimate,
          },
        });
      }
    } else if (open) {
      out.resolve(open, on, 'back_under_quota', r.measured, r.quota);
    }
  }
  out.chargeDue(on, rules);
  return out.events;
}

/**
 * Account closure: every open episode ends on `on` and its billable days so far, the current
 * month included, become pending lines (to be flushed into a last invoice).
 */
export function decideCloseOverage(
  state: HostingOverageState,
  cmd: { on: Day },
  rules: OverageRules,
): HostingOverageEvent[] {
  const on = parseField('on', () => parseDay(cmd.on), 'Date de fermeture invalide (AAAA-MM-JJ).');
  if (state.lastDay !== null && on < state.lastDay) {
    throw new DomainError(
      'invalid_input',
      `Des relevés de dépassement existent après le ${formatDayFr(on)}.`,
      'on',
    );
  }
  const out = new Emitter(state, state);
  for (const e of state.episodes) {
    if (e.resolved !== null) continue;
    const last = e.observations[e.observations.length - 1]!;
    out.resolve(e, on, 'account_closed', last.measured, last.quota);
  }
  out.chargeDue(on, rules);
  return out.events;
}

interface Who {
  readonly hostingId: string;
  readonly customerId: string;
  readonly hostingName: string;
}

/** Collects events while keeping the state they lead to. */
class Emitter {
  readonly events: HostingOverageEvent[] = [];
  readonly ids: { hostingId: string; customerId: string };
  /** Who new events are for: the hosting's current customer and name. */
  readonly who: Who;

  constructor(
    public state: HostingOverageState,
    who: Who,
  ) {
    this.ids = { hostingId: who.hostingId, customerId: who.customerId };
    this.who = { ...this.ids, hostingName: who.hostingName || state.hostingName };
  }

  emit(event: HostingOverageEvent): void {
    this.events.push(event);
    this.state = evolveHostingOverage(this.state, event);
  }

  resolve(e: Episode, on: Day, reason: OverageResolution, measured: number, quota: number): void {
    this.emit({
      type: 'OverageResolved',
      data: { ...this.ids, resource: e.resource, since: e.since, on, reason, measured, quota },
    });
  }

  /** Pending lines for every month whose billable days are all known and not yet charged. */
  chargeDue(on: Day, rules: OverageRules): void {
    for (const e of this.state.episodes) {
      for (const month of dueMonths(e, on)) {
        for (const charge of chargesOf(this.who, e, month, on, rules)) {
          this.emit({ type: 'OverageCharged', data: charge } satisfies OverageCharged);
        }
      }
    }
  }
}

/** First and last billable day of an episode (last: null while it is open). */
export function billableRange(e: Episode): { first: Day; last: Day | null } {
  return { first: e.graceEndsOn, last: e.resolved ? addDays(e.resolved.on, -1) : null };
}

/** Months with billable days that are final on `on` (complete, or the episode ended) and not charged. */
function dueMonths(e: Episode, on: Day): Month[] {
  const { first, last } = billableRange(e);
  if (last !== null && last < first) return [];
  const final = last !== null ? monthOf(last) : previousMonth(monthOf(on));
  return monthsBetween(monthOf(first), final).filter((m) => !e.chargedMonths.includes(m));
}

/** The figures standing on `day`: the latest reading on or before it. */
function excessOn(e: Episode, day: Day): number {
  let excess = 0;
  for (const o of e.observations) if (o.on <= day) excess = o.excess;
  return excess;
}

const RESOURCE_LINE_LABELS: Readonly<Record<OverageResource, string>> = {
  disk: 'Dépassement d’espace disque',
  traffic: 'Dépassement de trafic',
  mail: 'Boîtes mail au-delà du forfait',
};

function chargesOf(
  who: Who,
  e: Episode,
  month: Month,
  on: Day,
  rules: OverageRules,
): OverageCharge[] {
  const range = billableRange(e);
  const from = maxDay(range.first, firstDayOf(month));
  const to = minDay(range.last ?? lastDayOf(month), lastDayOf(month));
  if (to < from) return [];
  const price = rules.pricing[e.resource];
  const title = `${RESOURCE_LINE_LABELS[e.resource]} (${who.hostingName})`;
  const charge = (start: Day, end: Day, label: string, quantity: Dec, net: Money) => {
    const vatRate = rules.vatRateOn(end);
    return {
      chargeId: `${who.hostingId}:${e.resource}:${start}`,
      hostingId: who.hostingId,
      customerId: who.customerId,
      resource: e.resource,
      since: e.since,
      label,
      productId: price.productId,
      periodStart: start,
      periodEnd: end,
      quantity: quantity.toDecimalPlaces(4, Dec.ROUND_HALF_UP).toString(),
      unitNet: price.unitNet,
      vatRate,
      ...priced(net, vatRate),
      chargedOn: on,
    };
  };

  if (e.resource === 'traffic') {
    // Only what went over after the grace period: the month's excess minus the excess before it.
    const end =
      e.resolved?.reason === 'month_ended'
        ? Math.max(0, e.resolved.measured - e.resolved.quota)
        : excessOn(e, to);
    const before = from > e.since ? excessOn(e, addDays(from, -1)) : 0;
    const blocks = startedBlocks(end - before, price.blockSize);
    if (blocks === 0) return [];
    const net = Money.round(new Dec(blocks).times(price.unitNet));
    if (net.isZero()) return [];
    const go = price.blockSize / KO_PER_GO;
    const included = Math.round(
      (e.resolved?.quota ?? e.observations[e.observations.length - 1]!.quota) / KO_PER_GO,
    );
    return [
      charge(
        from,
        to,
        `${title} : ${blocks * go} Go au-delà de ${included} Go, ${formatMonthFr(month)}`,
        new Dec(blocks),
        net,
      ),
    ];
  }

  // Disk and mail: a monthly price per started block, pro rata of the days over, one line per
  // run of days with the same number of blocks.
  const lines: OverageCharge[] = [];
  const dim = daysInMonth(month);
  let start = from;
  let blocks = startedBlocks(excessOn(e, from), price.blockSize);
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const next = addDays(day, 1);
    const nextBlocks = next <= to ? startedBlocks(excessOn(e, next), price.blockSize) : -1;
    if (nextBlocks === blocks) continue;
    const days = daysInclusive(start, day);
    if (blocks > 0) {
      const quantity = new Dec(blocks).times(days).dividedBy(dim);
      const net = Money.round(quantity.times(price.unitNet));
      const unit =
        e.resource === 'disk'
          ? `${blocks} × ${price.blockSize / KO_PER_MO} Mo`
          : `${blocks * price.blockSize} boîte${blocks * price.blockSize > 1 ? 's' : ''}`;
      if (!net.isZero())
        lines.push(charge(start, day, `${title} : ${unit}, ${days} j sur ${dim}`, quantity, net));
    }
    start = next;
    blocks = nextBlocks;
  }
  return lines;
}
