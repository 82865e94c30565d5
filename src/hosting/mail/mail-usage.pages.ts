import { Inject, Injectable } from '@nestjs/common';
import {
  formatKb,
  mailAccounting,
  type BoxUsage,
  type MailAccounting,
} from '../../../domain/hosting/mail-usage.js';
import { KO_PER_MO, overagePricing } from '../../../domain/overage/pricing.js';
import { addDays, type Day } from '../../../domain/shared/day.js';
import type { LegacyHosting } from '../../../legacy-sync/legacy-hosting-inventory.js';
import { legacyMailAllowance, type AllowancePart } from '../../../legacy-sync/legacy-mail-usage.js';
import { readOverageProducts } from '../../../legacy-sync/legacy-usage.js';
import { Clock } from '../../kernel/clock.js';
import { OVERAGE_CONFIG, type OverageConfig } from '../../kernel/config.js';
import { Db, type Queryable } from '../../kernel/database/db.js';
import { loadOverageVatLookup } from '../../overage/overage-vat.js';

/** The days of history shown: twelve months back from the latest figures. */
const HISTORY_DAYS = 366;

/** One day of a hosting's mail: its boxes' total. */
export interface MailUsageDay {
  readonly day: Day;
  readonly usedKb: number;
  readonly boxes: number;
}

export interface MailUsageView {
  /** The day of the figures shown (the latest collected up to today); null: never measured. */
  readonly on: Day | null;
  readonly accounting: MailAccounting;
  readonly allowance: {
    readonly diskMb: number;
    readonly mailboxes: number;
    readonly parts: readonly AllowancePart[];
    /** Gloux's web + MySQL reading the disk estimate adds the mail to. */
    readonly readingOn: Day | null;
  };
  /** The daily totals over twelve months, oldest first. */
  readonly history: readonly MailUsageDay[];
}

/** What `/hebergements/:id/courrier/consommation` shows, read in one go. */
@Injectable()
export class MailUsagePages {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(OVERAGE_CONFIG) private readonly overage: OverageConfig,
  ) {}

  async view(hosting: LegacyHosting): Promise<MailUsageView> {
    const today = this.clock.today();
    return this.db.run(async (q) => {
      const on = await latestDay(q, hosting.hostingId, today);
      const boxes = on === null ? [] : await boxesOn(q, hosting.hostingId, on);
      const allowance = await legacyMailAllowance(q, hosting.hostingId, today);
      const reading = allowance?.reading ?? null;
      const accounting = mailAccounting(boxes, {
        diskQuotaMb: allowance?.diskQuotaMb ?? 0,
        otherDiskKb: reading ? reading.webKb + reading.mysqlKb : null,
        includedMailboxes: allowance?.includedMailboxes ?? 0,
        mailboxCount: allowance?.mailboxCount ?? 0,
        pricing: overagePricing(await readOverageProducts(q), this.overage.pricing),
        vatRate: (await loadOverageVatLookup(q))(today),
      });
      return {
        on,
        accounting,
        allowance: {
          diskMb: allowance?.diskQuotaMb ?? 0,
          mailboxes: allowance?.includedMailboxes ?? 0,
          parts: allowance?.parts ?? [],
          readingOn: reading?.on ?? null,
        },
        history:
          on === null
            ? []
            : await historyOf(q, hosting.hostingId, addDays(on, 1 - HISTORY_DAYS), on),
      };
    });
  }

  /** The hosting page's summary: the latest total and the estimate (no history). */
  async summary(hosting: LegacyHosting) {
    const v = await this.view(hosting);
    return {
      on: v.on,
      boxes: v.accounting.total.boxes,
      usedKb: v.accounting.total.usedKb,
      used: formatKb(v.accounting.total.usedKb),
      estimate: v.accounting.estimate,
      over: v.accounting.boxes.filter((b) => b.over).length,
    };
  }
}

async function latestDay(q: Queryable, hostingId: number, today: Day): Promise<Day | null> {
  const [row] = await q.query<{ d: string | null }>(
    `SELECT MAX(day) AS d FROM g2_mail_usage WHERE hosting_id = ? AND day <= ?`,
    [hostingId, today],
  );
  return row?.d ? String(row.d).slice(0, 10) : null;
}

async function boxesOn(q: Queryable, hostingId: number, on: Day): Promise<BoxUsage[]> {
  const rows = await q.query<{
    address: string;
    domain: string;
    used_kb: number | string;
    quota_mb: number | string;
  }>(
    `SELECT address, domain, used_kb, quota_mb FROM g2_mail_usage WHERE hosting_id = ? AND day = ?`,
    [hostingId, on],
  );
  return rows.map((r) => ({
    address: r.address,
    domain: r.domain,
    usedKb: Number(r.used_kb),
    quotaMb: Number(r.quota_mb),
  }));
}

async function historyOf(
  q: Queryable,
  hostingId: number,
  from: Day,
  to: Day,
): Promise<MailUsageDay[]> {
  const rows = await q.query<{ day: string; kb: number | string; n: number | string }>(
    `SELECT day, SUM(used_kb) AS kb, COUNT(*) AS n FROM g2_mail_usage
      WHERE hosting_id = ? AND day BETWEEN ? AND ? GROUP BY day ORDER BY day`,
    [hostingId, from, to],
  );
  return rows.map((r) => ({
    day: String(r.day).slice(0, 10),
    usedKb: Number(r.kb),
    boxes: Number(r.n),
  }));
}

/** Figures as the page prints them (French sizes, percent with a comma). */
export function mailUsageDisplay(v: MailUsageView) {
  const pct = (p: string | null) => (p === null ? 'sans quota' : `${p.replace('.', ',')} %`);
  const quota = (mb: number | null) => (mb === null ? '—' : formatKb(mb * KO_PER_MO));
  const a = v.accounting;
  return {
    boxes: a.boxes.map((b) => ({
      ...b,
      usedText: formatKb(b.usedKb),
      quotaText: b.quotaMb === null ? 'aucun' : quota(b.quotaMb),
      percentText: pct(b.percent),
    })),
    domains: a.domains.map((d) => ({
      ...d,
      usedText: formatKb(d.usedKb),
      quotaText: quota(d.quotaMb),
      percentText: pct(d.percent),
    })),
    total: {
      ...a.total,
      usedText: formatKb(a.total.usedKb),
      quotaText: quota(a.total.quotaMb),
      percentText: pct(a.total.percent),
    },
    disk: a.disk && {
      ...a.disk,
      measuredText: formatKb(a.disk.measured),
      includedText: formatKb(a.disk.included),
      excessText: formatKb(a.disk.excess),
      mailText: formatKb(a.disk.mailKb),
      otherText: formatKb(a.disk.otherKb),
    },
    parts: v.allowance.parts.map((p) => ({
      ...p,
      diskText: p.diskMb > 0 ? formatKb(p.diskMb * KO_PER_MO) : '',
    })),
    diskIncludedText: formatKb(v.allowance.diskMb * KO_PER_MO),
    recent: [...v.history]
      .reverse()
      .slice(0, 31)
      .map((h) => ({ ...h, usedText: formatKb(h.usedKb) })),
  };
}
