import type { MonthlyEstimate } from '../overage/events.js';
import type { UsageReading } from '../overage/hosting-overage.js';
import { KO_PER_GO, KO_PER_MO, monthlyEstimate, type OveragePricing } from '../overage/pricing.js';
import { Dec, Money } from '../shared/money.js';

/**
 * Mail accounting (issue 19, "Accounting"; HOSTING.md "Quotas, accounting and the sentinel").
 *
 * - What the collector's script answers (`HOSTING_HOOK_MAIL_USAGE`, one JSON line per box) is
 *   read here: a figure is taken only when it is a whole number of ko for a box that was asked
 *   about; anything else is reported, never guessed.
 * - The accounting of a hosting's mail: per box, per domain and in total, against each box's
 *   quota, and the hosting's disk against what its plan and disk options include
 *   (`hebergements.quota_disque_mo`, which is what the overage run reads). The estimated monthly
 *   cost of the current overage is computed by the overage module's own `monthlyEstimate` over
 *   the readings the overage run would make from the same figures (`overageReadingsOf`), so the
 *   estimate is what the run bills for a month at these figures.
 *
 * Sizes are whole ko (1 Mo = 1024 ko, as `du -k` and Gloux's `mesures_disque` count).
 */

/** One box of Gloux's `mails`, as the collector asks the script about it. */
export interface MailboxToMeasure {
  readonly address: string;
  readonly maildir: string;
}

/** A box's figure of the day: `missing` when its maildir does not exist yet (counted 0). */
export interface MeasuredBox {
  readonly address: string;
  readonly kb: number;
  readonly missing: boolean;
}

/** A box not measured (or the whole run failing when `address` is null), and why, in French. */
export interface MeasureProblem {
  readonly address: string | null;
  readonly message: string;
}

/** An address is lower case ASCII or punycode as Gloux and the daemons read it: never rewritten here. */
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u001f]/;
// eslint-disable-next-line no-control-regex
const ADDRESS = /^[^\s@"'`|\\/\u0000-\u001f]{1,64}@[a-z0-9.-]{1,253}$/i;

/** The domain of an address (after its last @), lower case. */
export const domainOfAddress = (address: string): string =>
  address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * Which boxes may be handed to the script: an address the script can print back, and a maildir
 * (Gloux's `mails.maildir`, e.g. `/var/mail/example.org/anne/`) that is absolute, below the mail
 * root, without `..`, `.` or an empty element. The others are problems, never measured.
 */
export function boxesToMeasure(
  boxes: readonly MailboxToMeasure[],
  mailRoot: string,
): { readonly asked: MailboxToMeasure[]; readonly problems: MeasureProblem[] } {
  const root = mailRoot.replace(/\/+$/, '');
  const asked: MailboxToMeasure[] = [];
  const problems: MeasureProblem[] = [];
  const seen = new Set<string>();
  for (const box of boxes) {
    const dir = box.maildir.replace(/\/+$/, '');
    const problem = !ADDRESS.test(box.address)
      ? 'adresse illisible : non mesurée'
      : seen.has(box.address)
        ? 'adresse en double dans mails : non mesurée'
        : !dir.startsWith(`${root}/`) || dir.length === root.length + 1
          ? `maildir hors de la racine des boîtes (${root}) : ${box.maildir}`
          : HAS_CONTROL.test(dir) || `${dir}/`.slice(root.length).match(/\/\.{0,2}\//)
            ? `maildir refusé (.., . ou élément vide) : ${box.maildir}`
            : null;
    seen.add(box.address);
    if (problem) problems.push({ address: box.address, message: problem });
    else asked.push({ address: box.address, maildir: dir });
  }
  return { asked, problems };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A line shown in a report: at most 200 characters, no control character. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f]/g;
const shown = (line: string) => line.replace(CONTROL, ' ').slice(0, 200);

/**
 * Reads the script's answer for the boxes `asked`: one JSON line per box, `{"address","kb"}`
 * (`"missing": true` when its maildir does not exist), or `{"address","status":"error",
 * "message"}`. A line that is not JSON, a size that is not a whole number of ko, an address
 * not asked about or answered twice, and a box left unanswered are problems: such a box gets no
 * figure.
 */
export function readUsageLines(
  output: string,
  asked: readonly string[],
): { readonly measured: MeasuredBox[]; readonly problems: MeasureProblem[] } {
  const wanted = new Set(asked);
  const figures = new Map<string, MeasuredBox>();
  const twice = new Set<string>();
  const problems: MeasureProblem[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    if (!isObject(parsed)) {
      problems.push({ address: null, message: `ligne illisible : ${shown(line)}` });
      continue;
    }
    const address = typeof parsed.address === 'string' ? parsed.address : null;
    const message = typeof parsed.message === 'string' ? shown(parsed.message) : '';
    if (address === null) {
      problems.push({
        address: null,
        message:
          parsed.status === 'error'
            ? `le script a échoué : ${message}`
            : `ligne sans adresse : ${shown(line)}`,
      });
      continue;
    }
    if (!wanted.has(address)) {
      problems.push({ address: null, message: `adresse non demandée : ${shown(line)}` });
      continue;
    }
    if (figures.has(address) || twice.has(address)) {
      twice.add(address);
      figures.delete(address);
      continue;
    }
    if (parsed.status === 'error') {
      twice.add(address);
      problems.push({ address, message: message || 'erreur sans message' });
      continue;
    }
    const kb = parsed.kb;
    if (typeof kb !== 'number' || !Number.isSafeInteger(kb) || kb < 0) {
      twice.add(address);
      problems.push({ address, message: `taille illisible : ${shown(line)}` });
      continue;
    }
    figures.set(address, { address, kb, missing: parsed.missing === true });
  }
  for (const address of twice)
    if (!problems.some((p) => p.address === address))
      problems.push({ address, message: 'mesurée deux fois : aucune valeur retenue' });
  for (const address of asked)
    if (!figures.has(address) && !twice.has(address))
      problems.push({ address, message: 'aucune mesure rendue par le script' });
  return { measured: asked.flatMap((a) => figures.get(a) ?? []), problems };
}

/** One box's figures of a day (a row of `g2_mail_usage`). */
export interface BoxUsage {
  readonly address: string;
  readonly domain: string;
  readonly usedKb: number;
  /** mails.quota_mo that day; 0: no quota. */
  readonly quotaMb: number;
}

/** What the accounting needs besides the boxes: the hosting's allowances and the overage prices. */
export interface MailAccountingFacts {
  /** hebergements.quota_disque_mo: the plan's disk plus the disk options bought; 0: not checked. */
  readonly diskQuotaMb: number;
  /**
   * The rest of the hosting's disk (web + MySQL, ko) from Gloux's latest reading, as the overage
   * run reads it; null: no reading, so the disk's overage cannot be estimated.
   */
  readonly otherDiskKb: number | null;
  /** hebergements.nb_mails: boxes included (plan + options); 0: not checked. */
  readonly includedMailboxes: number;
  /** Rows of Gloux's `mails` for the hosting (a disabled box still counts, as the run counts it). */
  readonly mailboxCount: number;
  readonly pricing: OveragePricing;
  /** The VAT rate in force on the day (percent). */
  readonly vatRate: string;
}

export interface UsageFigures {
  readonly boxes: number;
  readonly usedKb: number;
  /** Sum of the boxes' quotas (Mo); null when a box has none. */
  readonly quotaMb: number | null;
  /** used / quota in percent, one decimal ('101.3'); null without a quota. */
  readonly percent: string | null;
}

export interface BoxLine extends UsageFigures {
  readonly address: string;
  readonly domain: string;
  readonly over: boolean;
}

export interface DomainLine extends UsageFigures {
  readonly domain: string;
}

export interface ResourceEstimate {
  /** In the resource's base unit: ko for disk, boxes for mail. */
  readonly measured: number;
  readonly included: number;
  readonly excess: number;
  readonly estimate: MonthlyEstimate;
}

export interface MailAccounting {
  readonly boxes: readonly BoxLine[];
  readonly domains: readonly DomainLine[];
  readonly total: UsageFigures;
  /** The hosting's disk: web + MySQL + mail against the plan and options (null: not estimable). */
  readonly disk: (ResourceEstimate & { readonly mailKb: number; readonly otherKb: number }) | null;
  /** Boxes beyond those included (null: no allowance set). */
  readonly mailboxes: ResourceEstimate | null;
  /** The estimated monthly cost of the current overage: the sum of the two estimates. */
  readonly estimate: { readonly net: string; readonly total: string };
}

/** used / quota in percent with one decimal, half up; null without a quota. */
export function usagePercent(usedKb: number, quotaMb: number | null): string | null {
  if (quotaMb === null || quotaMb <= 0) return null;
  return new Dec(usedKb)
    .times(100)
    .dividedBy(quotaMb * KO_PER_MO)
    .toFixed(1, Dec.ROUND_HALF_UP);
}

function figures(lines: readonly BoxUsage[]): UsageFigures {
  const usedKb = lines.reduce((s, b) => s + b.usedKb, 0);
  const quotaMb = lines.some((b) => b.quotaMb <= 0)
    ? null
    : lines.reduce((s, b) => s + b.quotaMb, 0);
  return { boxes: lines.length, usedKb, quotaMb, percent: usagePercent(usedKb, quotaMb) };
}

/**
 * The readings the overage run makes for these figures (src/overage/overage.service.ts
 * `recordUsageOf`): the disk (web + MySQL + mail, ko) against the plan and options when both
 * are known, the number of boxes against the allowance when there is one. Traffic is not mail's.
 */
export function overageReadingsOf(mailKb: number, facts: MailAccountingFacts): UsageReading[] {
  const readings: UsageReading[] = [];
  if (facts.diskQuotaMb > 0 && facts.otherDiskKb !== null)
    readings.push({
      resource: 'disk',
      measured: facts.otherDiskKb + mailKb,
      quota: facts.diskQuotaMb * KO_PER_MO,
    });
  if (facts.includedMailboxes > 0)
    readings.push({
      resource: 'mail',
      measured: facts.mailboxCount,
      quota: facts.includedMailboxes,
    });
  return readings;
}

/** The synthesis of a hosting's mail on a day: per box, per domain, in total, and the estimate. */
export function mailAccounting(
  boxes: readonly BoxUsage[],
  facts: MailAccountingFacts,
): MailAccounting {
  const sorted = [...boxes].sort(
    (a, b) => a.domain.localeCompare(b.domain) || a.address.localeCompare(b.address),
  );
  const byDomain = new Map<string, BoxUsage[]>();
  for (const b of sorted) byDomain.set(b.domain, [...(byDomain.get(b.domain) ?? []), b]);
  const total = figures(sorted);
  let disk: MailAccounting['disk'] = null;
  let mailboxes: MailAccounting['mailboxes'] = null;
  for (const r of overageReadingsOf(total.usedKb, facts)) {
    const excess = Math.max(0, r.measured - r.quota);
    const line = {
      measured: r.measured,
      included: r.quota,
      excess,
      estimate: monthlyEstimate(excess, facts.pricing[r.resource], facts.vatRate),
    };
    if (r.resource === 'disk')
      disk = { ...line, mailKb: total.usedKb, otherKb: r.measured - total.usedKb };
    else mailboxes = line;
  }
  const estimates = [disk, mailboxes].flatMap((e) => (e ? [e.estimate] : []));
  const sum = (pick: (e: MonthlyEstimate) => string) =>
    Money.sum(estimates.map((e) => Money.of(pick(e)))).toString();
  return {
    boxes: sorted.map((b) => ({
      address: b.address,
      domain: b.domain,
      ...figures([b]),
      over: b.quotaMb > 0 && b.usedKb > b.quotaMb * KO_PER_MO,
    })),
    domains: [...byDomain].map(([domain, lines]) => ({ domain, ...figures(lines) })),
    total,
    disk,
    mailboxes,
    estimate: { net: sum((e) => e.net), total: sum((e) => e.total) },
  };
}

/** A size in ko for a person: '0 ko', '512 ko', '1,5 Mo', '3,0 Go' (one decimal, half up). */
export function formatKb(kb: number): string {
  if (kb < KO_PER_MO) return `${kb} ko`;
  const [unit, size] = kb < KO_PER_GO ? ['Mo', KO_PER_MO] : ['Go', KO_PER_GO];
  return `${new Dec(kb).dividedBy(size).toFixed(1, Dec.ROUND_HALF_UP).replace('.', ',')} ${unit}`;
}
