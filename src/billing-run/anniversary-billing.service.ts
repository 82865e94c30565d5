import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  parseBillingWindow,
  planAnniversaryInvoice,
  trialSkipReason,
  type AccountTrial,
  type AnniversaryPlan,
  type BillableHosting,
  type BillingWindow,
  type PlannedLine,
  yearEnd,
} from '../../domain/billing/anniversary.js';
import { validateIssueInvoice, type IssueInvoice } from '../../domain/billing/invoice.js';
import type { Product } from '../../domain/catalogue/catalogue.js';
import { vatRateOn } from '../../domain/catalogue/vat-schedule.js';
import { addDays, type Day } from '../../domain/shared/day.js';
import { DomainError } from '../../domain/shared/errors.js';
import { listProducts } from '../../legacy-sync/legacy-catalogue.js';
import {
  advanceAnniversaries,
  type AnniversaryMove,
  billableHostings,
  hostingNames,
  upcomingAnniversaries,
  yearsInvoicedInGloux,
  type UpcomingAnniversary,
} from '../../legacy-sync/legacy-hostings.js';
import { replaceLineClaims } from '../../legacy-sync/legacy-line-claims.js';
import {
  billingsStartingIn,
  type HostingBilling,
} from '../../projections/hosting-billings/hosting-billings.queries.js';
import { vatSchedule } from '../../projections/vat-rates/vat-rates.queries.js';
import { IssueInvoiceCommand, type IssueInvoiceResult } from '../billing/issue-invoice.command.js';
import { Clock } from '../kernel/clock.js';
import { Db, type Queryable } from '../kernel/database/db.js';
import { inParallel } from '../kernel/in-parallel.js';
import { sqlTimestamp } from '../kernel/event-store/event-store.js';

export type AccountStatus = 'issued' | 'planned' | 'already_billed' | 'skipped' | 'error';

export interface RunLine {
  kind: PlannedLine['kind'];
  label: string;
  quantity: string;
  net: string;
  vatRate: string;
  serviceStart: string;
  serviceEnd: string;
  /** The Gloux pending line it takes over, if any. */
  legacyLineId: string | null;
}

export interface RunAccount {
  hostingId: string;
  hostingName: string;
  customerId: string;
  anniversary: Day;
  periodEnd: Day | null;
  status: AccountStatus;
  /** French, for the report: what happened or why not. */
  message: string;
  number: string | null;
  invoiceId: string | null;
  totalNet: string | null;
  totalVat: string | null;
  total: string | null;
  lines: RunLine[];
  notes: string[];
}

export interface RunReport {
  from: Day;
  to: Day;
  issuedOn: Day;
  dryRun: boolean;
  accounts: RunAccount[];
  counts: Record<AccountStatus, number>;
  durationMs: number;
}

export interface RunOptions {
  from: unknown;
  to: unknown;
  dryRun?: boolean;
  actor?: string;
  /** Called after each account (done of total), e.g. for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

const STATUS_MESSAGE: Record<AccountStatus, string> = {
  issued: 'facturé',
  planned: 'à facturer',
  already_billed: 'déjà facturé',
  skipped: 'laissé de côté',
  error: 'erreur',
};

/** What the run reads once per window, in a few batch queries. */
interface WindowData {
  hostings: BillableHosting[];
  billed: Map<string, HostingBilling>;
  glouxBilled: Map<string, string>;
  products: Map<string, Product>;
  schedule: Awaited<ReturnType<typeof vatSchedule>>;
  names: Map<string, { name: string; customerId: string }>;
  /** The free trials of the window's accounts (g2_rm_accounts), by account id. */
  trials: Map<string, AccountTrial>;
}

/** One run: what it read, its settings, and the anniversaries it has still to move on. */
interface RunState {
  readonly data: WindowData;
  readonly issuedOn: Day;
  readonly dryRun: boolean;
  readonly actor: string;
  readonly moves: {
    add(move: AnniversaryMove): Promise<void>;
    flush(): Promise<void>;
  };
}

/**
 * The anniversary billing run: for each hosting account whose anniversary falls in the
 * window, one invoice for its coming year (domain/billing/anniversary.ts), issued through
 * IssueInvoice with a key derived from hosting + period start, then the anniversary moved one
 * year on in Gloux. Idempotent: a year already billed (by an earlier run, by hand, or by
 * Gloux itself) is reported "déjà facturé" and never billed again.
 */
@Injectable()
export class AnniversaryBillingService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async run(options: RunOptions): Promise<RunReport> {
    const started = Date.now();
    const window = parseBillingWindow(options.from, options.to);
    const dryRun = options.dryRun === true;
    const issuedOn = this.clock.today();
    const data = await this.load(window);
    const inWindow = new Set(data.hostings.map((h) => h.hostingId));
    // Years billed in this window whose anniversary has already moved on.
    const movedOn = [...data.billed.values()].filter((b) => !inWindow.has(b.hostingId));
    const total = data.hostings.length + movedOn.length;
    let done = 0;
    const state: RunState = {
      data,
      issuedOn,
      dryRun,
      actor: options.actor ?? 'billing-run',
      moves: this.anniversaryMoves(),
    };
    const accounts = await inParallel(data.hostings, this.concurrency, async (h) => {
      const account = await this.account(h, state);
      options.onProgress?.(++done, total);
      return account;
    });
    await state.moves.flush();
    for (const b of movedOn) {
      const who = data.names.get(b.hostingId);
      accounts.push(
        alreadyBilled(b.hostingId, who?.name ?? `n° ${b.hostingId}`, who?.customerId ?? '', b),
      );
      options.onProgress?.(++done, total);
    }
    const counts: Record<AccountStatus, number> = {
      issued: 0,
      planned: 0,
      already_billed: 0,
      skipped: 0,
      error: 0,
    };
    for (const a of accounts) counts[a.status] += 1;
    return {
      from: window.from,
      to: window.to,
      issuedOn,
      dryRun,
      accounts,
      counts,
      durationMs: Date.now() - started,
    };
  }

  /** The overdue and next anniversaries, for the billing page. */
  upcoming(limit = 20): Promise<UpcomingAnniversary[]> {
    return this.db.run((q) => upcomingAnniversaries(q, limit));
  }

  private async load(window: BillingWindow): Promise<WindowData> {
    return this.db.run(async (q) => {
      const hostings = await billableHostings(q, window);
      const billed = new Map<string, HostingBilling>();
      for (const b of await billingsStartingIn(q, window.from, window.to)) {
        // A whole year of the account; a mid-year change billed by hand does not count.
        if (b.periodEnd === yearEnd(b.periodStart) && !billed.has(b.hostingId))
          billed.set(b.hostingId, b);
      }
      const inWindow = new Set(hostings.map((h) => h.hostingId));
      const names = await hostingNames(
        q,
        [...billed.keys()].filter((id) => !inWindow.has(id)),
      );
      return {
        hostings,
        billed,
        glouxBilled: await yearsInvoicedInGloux(q, window),
        products: new Map((await listProducts(q)).map((p) => [p.productId, p])),
        schedule: await vatSchedule(q),
        names,
        trials: await trialsOf(q),
      };
    });
  }

  /**
   * MariaDB serves several connections: a few accounts at once hide the round trips (appends
   * stay serialised by the append lock). SQLite has one connection: one at a time.
   */
  private get concurrency(): number {
    return this.db.dialect === 'mysql' ? 8 : 1;
  }

  private async account(h: BillableHosting, state: RunState): Promise<RunAccount> {
    const { data, dryRun, moves } = state;
    const billed = data.billed.get(h.hostingId);
    if (billed) {
      // Issued but not moved on (a run stopped in between): finish the job.
      if (!dryRun && billed.periodStart === h.anniversary)
        await moves.add({
          hostingId: h.hostingId,
          from: h.anniversary,
          to: addDays(billed.periodEnd, 1),
        });
      return alreadyBilled(h.hostingId, h.name, h.customerId, billed);
    }
    const skip = trialSkipReason(data.trials.get(h.hostingId), state.issuedOn);
    if (skip) {
      return {
        ...emptyAccount(h.hostingId, h.name, h.customerId, h.anniversary),
        status: 'skipped',
        message: skip,
      };
    }
    const glouxNumber = data.glouxBilled.get(h.hostingId);
    if (glouxNumber) {
      return {
        ...emptyAccount(h.hostingId, h.name, h.customerId, h.anniversary),
        status: 'already_billed',
        number: glouxNumber,
        message: `déjà facturé dans Gloux (${glouxNumber})`,
      };
    }
    return this.billOne(h, state);
  }

  private async billOne(h: BillableHosting, state: RunState): Promise<RunAccount> {
    const { data, issuedOn, dryRun, actor, moves } = state;
    const base = emptyAccount(h.hostingId, h.name, h.customerId, h.anniversary);
    let plan: AnniversaryPlan;
    let input: IssueInvoice;
    let preview: ReturnType<typeof validateIssueInvoice>;
    try {
      plan = planAnniversaryInvoice(h, {
        products: data.products,
        issuedOn,
        vatRateOn: (category, day) => vatRateOn(data.schedule, category, day),
      });
      input = {
        customerId: h.customerId,
        issuedOn,
        lines: plan.lines.map(({ legacyLineId: _claim, ...line }) => line),
      };
      // The same checks IssueInvoice makes, so a dry run reports what a real run would refuse.
      preview = validateIssueInvoice(input, { lineId: () => '' });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { ...base, status: 'error', message: error.message };
    }
    const planned: RunAccount = {
      ...base,
      periodEnd: plan.periodEnd,
      status: 'planned',
      message: STATUS_MESSAGE.planned,
      totalNet: preview.totalNet.toString(),
      totalVat: preview.totalVat.toString(),
      total: preview.total.toString(),
      lines: plan.lines.map((l, i) => ({
        kind: l.kind,
        label: l.label,
        quantity: preview.lines[i]!.quantity,
        net: l.net,
        vatRate: preview.lines[i]!.vatRate,
        serviceStart: l.serviceStart,
        serviceEnd: l.serviceEnd,
        legacyLineId: l.legacyLineId ?? null,
      })),
      notes: [...plan.notes],
    };
    if (dryRun) return planned;

    const claims = plan.lines.flatMap((l, lineNo) =>
      l.legacyLineId ? [{ lineNo, legacyLineId: l.legacyLineId }] : [],
    );
    if (claims.length > 0) {
      const at = sqlTimestamp(this.clock.now());
      await this.db.transaction((tx) => replaceLineClaims(tx, plan.idempotencyKey, claims, at));
    }
    let result: IssueInvoiceResult;
    try {
      result = await this.commands.execute<IssueInvoiceCommand, IssueInvoiceResult>(
        new IssueInvoiceCommand(input, actor, plan.idempotencyKey),
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { ...planned, status: 'error', message: error.message };
    }
    await moves.add({ hostingId: h.hostingId, from: h.anniversary, to: plan.nextAnniversary });
    return {
      ...planned,
      status: 'issued',
      message: STATUS_MESSAGE.issued,
      number: result.number,
      invoiceId: result.invoiceId,
      total: result.total,
    };
  }

  /**
   * Anniversaries to move on, written in batches: a run stopped before a flush leaves
   * invoiced accounts unmoved, and the next run moves them (see account()).
   */
  private anniversaryMoves(): RunState['moves'] {
    const pending: AnniversaryMove[] = [];
    const flush = async () => {
      const batch = pending.splice(0);
      if (batch.length > 0) await this.db.run((q) => advanceAnniversaries(q, batch));
    };
    return {
      add: async (move: AnniversaryMove) => {
        pending.push(move);
        if (pending.length >= 100) await flush();
      },
      flush,
    };
  }
}

function emptyAccount(
  hostingId: string,
  hostingName: string,
  customerId: string,
  anniversary: Day,
): RunAccount {
  return {
    hostingId,
    hostingName,
    customerId,
    anniversary,
    periodEnd: null,
    status: 'error',
    message: '',
    number: null,
    invoiceId: null,
    totalNet: null,
    totalVat: null,
    total: null,
    lines: [],
    notes: [],
  };
}

function alreadyBilled(
  hostingId: string,
  hostingName: string,
  customerId: string,
  b: HostingBilling,
): RunAccount {
  return {
    ...emptyAccount(hostingId, hostingName, customerId, b.periodStart),
    periodEnd: b.periodEnd,
    status: 'already_billed',
    message: `${STATUS_MESSAGE.already_billed} (${b.number})`,
    number: b.number,
    invoiceId: b.invoiceId,
  };
}

/** Accounts opened with a free trial not converted yet (the others are billed as usual). */
async function trialsOf(q: Queryable): Promise<Map<string, AccountTrial>> {
  const rows = await q.query<{ account_id: string; trial_ends_on: string }>(
    `SELECT account_id, trial_ends_on FROM g2_rm_accounts WHERE trial_ends_on IS NOT NULL AND converted_on IS NULL`,
  );
  return new Map(
    rows.map((r) => [String(r.account_id), { trialEndsOn: r.trial_ends_on, convertedOn: null }]),
  );
}
