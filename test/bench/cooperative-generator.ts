/**
 * A deterministic synthetic cooperative: `members` members joining over `years` years, written
 * day by day, in date order, through gloux2's own commands (CommandBus, billing run, overage
 * run), with the clock set to each simulated day, so events, read models and the Gloux mirror
 * are the real ones. Gloux's own side (new members, hosting accounts, options, disk readings,
 * closures) is written into Gloux's tables as Gloux would, since gloux2 only reads those.
 *
 * Every random choice comes from a generator seeded with (seed, member, …), so the same shape
 * always gives the same history (ids are UUIDs and differ; amounts, dates and counts do not).
 */
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { addYears } from '../../domain/billing/anniversary.js';
import type { PaymentMethod } from '../../domain/billing/events.js';
import { addDays, daysBetween } from '../../domain/shared/day.js';
import { DomainError } from '../../domain/shared/errors.js';
import { Money } from '../../domain/shared/money.js';
import { legacyTextParam } from '../../legacy-sync/legacy-text.js';
import { LegacySyncWorker } from '../../legacy-sync/legacy-sync.worker.js';
import { findInvoice } from '../../projections/invoice-balances/invoice-balances.queries.js';
import {
  ConveneAssemblyCommand,
  RecordAtAssemblyCommand,
  type AssemblyRecording,
  type ConveneAssemblyResult,
  type RecordAtAssemblyResult,
} from '../../src/assemblies/assembly.commands.js';
import { AnniversaryBillingService } from '../../src/billing-run/anniversary-billing.service.js';
import { IssueCreditNoteCommand } from '../../src/billing/issue-credit-note.command.js';
import {
  RecordPaymentCommand,
  type RecordPaymentResult,
} from '../../src/billing/record-payment.command.js';
import { ReversePaymentCommand } from '../../src/billing/reverse-payment.command.js';
import type { FixedClock } from '../../src/kernel/clock.js';
import { Db, type Queryable } from '../../src/kernel/database/db.js';
import { OverageService } from '../../src/overage/overage.service.js';
import {
  RedeemSharesCommand,
  SubscribeSharesCommand,
  type ShareMovementResult,
} from '../../src/shares/shares.commands.js';
import type { CoopShape } from './bench-kit.js';

/** mulberry32 over a 32-bit hash of the keys: a small, fast, seedable generator. */
export function rng(...keys: (number | string)[]): () => number {
  let h = 2166136261;
  for (const ch of keys.join('|')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: number, table: readonly [number, T][]): T => {
  let acc = 0;
  for (const [weight, value] of table) {
    acc += weight;
    if (r < acc) return value;
  }
  return table[table.length - 1]![1];
};

/** The first simulated day: `years` years up to `until` included. */
export function historyStart(shape: CoopShape): string {
  return addDays(addYears(shape.until, -shape.years), 1);
}

type Payer = 'prompt' | 'slow' | 'late' | 'defaulter';

interface MemberPlan {
  readonly id: number;
  readonly joinOn: string;
  readonly leaveOn: string | null;
  readonly legal: boolean;
  readonly payer: Payer;
  readonly method: PaymentMethod;
  readonly disk: number;
  readonly mysqlFrom: string | null;
  readonly discount: number;
  readonly shares: number;
  readonly overageProne: boolean;
}

export interface GeneratorStats {
  commands: number;
  /** Wall time spent inside commands (bus, billing and overage runs), seconds. */
  commandSeconds: number;
  /** Per command (or run) type: how many, and the seconds spent in them. */
  timings: Record<string, { n: number; seconds: number }>;
  counts: Record<string, number>;
  refusals: Record<string, number>;
}

type Task = () => Promise<void>;

/** Runs that issue several documents each: counted by what they issued, not as one command. */
const RUNS = new Set(['BillingRun', 'OverageRun']);

/** Commands that appended events: every command, plus each invoice a billing or overage run issued. */
export function commandCount(stats: GeneratorStats): number {
  return (
    Object.entries(stats.timings)
      .filter(([type]) => !RUNS.has(type))
      .reduce((sum, [, t]) => sum + t.n, 0) +
    (stats.counts['invoices issued'] ?? 0) +
    (stats.counts['overage invoices'] ?? 0)
  );
}

const QUOTA_MO = 400;
const FIRST_NAMES = ['Anne', 'Éric', 'Zoé', 'Hélène', 'Jean', 'Chloé', 'Loïc', 'Maëlle'];
const LAST_NAMES = ['Lefèvre', 'Martin', 'Bernard', 'Durand', 'Petit', 'Garçon', 'Roux'];

export class CooperativeGenerator {
  readonly from: string;
  private readonly db: Db;
  private readonly bus: CommandBus;
  private readonly agenda = new Map<string, Task[]>();
  private readonly plans: MemberPlan[];
  private readonly shareNumbers = new Map<number, string>();
  /** Members with voting rights, for the assemblies (joined, shares subscribed, not left). */
  private readonly holders = new Set<number>();
  readonly stats: GeneratorStats = {
    commands: 0,
    commandSeconds: 0,
    timings: {},
    counts: {},
    refusals: {},
  };

  constructor(
    private readonly app: INestApplicationContext,
    private readonly clock: FixedClock,
    private readonly shape: CoopShape,
  ) {
    this.db = app.get(Db);
    this.bus = app.get(CommandBus);
    this.from = historyStart(shape);
    this.plans = this.planMembers();
  }

  get days(): number {
    return daysBetween(this.from, this.shape.until) + 1;
  }

  private count(what: string, k = 1): void {
    this.stats.counts[what] = (this.stats.counts[what] ?? 0) + k;
  }

  /** Times a command; a DomainError is a refusal the simulation expects now and then. */
  private async timed<T>(what: string, work: () => Promise<T>): Promise<T | null> {
    const t = process.hrtime.bigint();
    try {
      const value = await work();
      this.count(what);
      return value;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const key = `${what}:${error.code}`;
      this.stats.refusals[key] = (this.stats.refusals[key] ?? 0) + 1;
      return null;
    } finally {
      const seconds = Number(process.hrtime.bigint() - t) / 1e9;
      const type = what.split(':')[0]!;
      const timing = (this.stats.timings[type] ??= { n: 0, seconds: 0 });
      timing.n += 1;
      timing.seconds += seconds;
      this.stats.commands += 1;
      this.stats.commandSeconds += seconds;
    }
  }

  private at(day: string, task: Task): void {
    if (day > this.shape.until) return;
    const list = this.agenda.get(day);
    if (list) list.push(task);
    else this.agenda.set(day, [task]);
  }

  private planMembers(): MemberPlan[] {
    const { members, seed } = this.shape;
    const span = this.days;
    const founders = Math.ceil(members * 0.15);
    const joins: string[] = [];
    for (let i = 0; i < members; i++) {
      const r = rng(seed, 'join', i)();
      joins.push(addDays(this.from, i < founders ? Math.floor(r * 60) : Math.floor(r * span)));
    }
    joins.sort();
    return joins.map((joinOn, i) => {
      const id = i + 1;
      const r = rng(seed, 'member', id);
      const leaves = r() < 0.2;
      const leaveAfter = 365 + Math.floor(r() * 365 * 8);
      const leaveOn = leaves ? addDays(joinOn, leaveAfter) : null;
      const mysqlFrom = r() < 0.2 ? addDays(joinOn, 30 + Math.floor(r() * 700)) : null;
      return {
        id,
        joinOn,
        leaveOn: leaveOn !== null && leaveOn <= this.shape.until ? leaveOn : null,
        legal: r() < 0.1,
        payer: pick<Payer>(r(), [
          [0.6, 'prompt'],
          [0.25, 'slow'],
          [0.1, 'late'],
          [0.05, 'defaulter'],
        ]),
        method: pick<PaymentMethod>(r(), [
          [0.45, 'cheque'],
          [0.35, 'card'],
          [0.2, 'transfer'],
        ]),
        disk: r() < 0.4 ? 1 + Math.floor(r() * 3) : 0,
        mysqlFrom,
        discount: r() < 0.05 ? 10 : 0,
        shares: r() < 0.8 ? 1 : 2 + Math.floor(r() * 4),
        overageProne: r() < 0.03,
      };
    });
  }

  /** Gloux's catalogue (sample data's products, VAT category from taux_tva) and counters. */
  async seedCatalogue(): Promise<void> {
    await this.db.transaction(async (q) => {
      await q.execute(`DELETE FROM produits`);
      const t = (s: string) => legacyTextParam(s, q.dialect);
      for (const [id, code, type, label, price, rate, per] of [
        [1, 'PLAQUE', 'plaque', 'Plaque de base', '20.07', '19.6', 'an'],
        [2, 'DISQUE100', 'option', 'Espace disque supplémentaire (100 Mo)', '5.02', '19.6', 'an'],
        [3, 'MYSQL1', 'option', 'Base MySQL supplémentaire', '5.02', '19.6', 'an'],
        [4, 'PART', 'part_sociale', 'Part sociale', '16.00', '0', 'unique'],
      ] as const) {
        await q.execute(
          `INSERT INTO produits (id_produit, code, type_produit, libelle, prix_ht, taux_tva, periodicite, date_debut) VALUES (?, ?, ?, ?, ?, ?, ?, '2006-06-01')`,
          [id, code, type, t(label), price, rate, per],
        );
      }
    });
  }

  /** Runs the whole history; `onDay` after each simulated day (for a progress bar). */
  async run(onDay?: (done: number, day: string) => void): Promise<GeneratorStats> {
    const byJoin = new Map<string, MemberPlan[]>();
    for (const p of this.plans) byJoin.set(p.joinOn, [...(byJoin.get(p.joinOn) ?? []), p]);
    const sync = this.app.get(LegacySyncWorker);
    for (let i = 0, day = this.from; day <= this.shape.until; i++, day = addDays(day, 1)) {
      this.clock.set(new Date(`${day}T10:00:00Z`));
      if (day.slice(5) === '05-20') this.planAssembly(day);
      const joining = byJoin.get(day) ?? [];
      if (joining.length > 0) await this.join(day, joining);
      const tasks = this.agenda.get(day) ?? [];
      this.agenda.delete(day);
      // Tasks may schedule more tasks for the same day (a second half paid at once): drain.
      for (let k = 0; k < tasks.length; k++) await tasks[k]!();
      for (const late of this.agenda.get(day) ?? []) await late();
      this.agenda.delete(day);
      if (i % 7 === 6 || day === this.shape.until) await this.billingRun(day);
      const dom = day.slice(8);
      if (dom === '01' || dom === '10' || dom === '20') await this.overage(day);
      if (dom === '28' || day === this.shape.until) {
        // The mirror also wakes after each commit; this keeps it from lagging a month behind.
        await sync.catchUp();
      }
      onDay?.(i + 1, day);
    }
    return this.stats;
  }

  private async join(day: string, plans: MemberPlan[]): Promise<void> {
    await this.db.transaction(async (q) => {
      for (const p of plans) await this.insertMember(q, day, p);
    });
    this.count('members joined', plans.length);
    for (const p of plans) {
      const result = await this.timed('SubscribeShares', () =>
        this.bus.execute<SubscribeSharesCommand, ShareMovementResult>(
          new SubscribeSharesCommand(
            {
              tiersId: String(p.id),
              count: p.shares,
              on: day,
              paid: true,
              reference: `adh ${p.id}`,
            },
            'bench',
            `bench-join-${p.id}`,
          ),
        ),
      );
      if (result) {
        this.shareNumbers.set(p.id, result.numbers);
        this.holders.add(p.id);
      }
      if (p.mysqlFrom) this.at(p.mysqlFrom, () => this.addOption(p));
      if (p.leaveOn) this.at(p.leaveOn, () => this.leave(p));
      if (p.overageProne) this.planOverage(p);
    }
  }

  private async insertMember(q: Queryable, day: string, p: MemberPlan): Promise<void> {
    const t = (s: string) => legacyTextParam(s, q.dialect);
    const r = rng(this.shape.seed, 'name', p.id);
    const last = LAST_NAMES[Math.floor(r() * LAST_NAMES.length)]!;
    const first = FIRST_NAMES[Math.floor(r() * FIRST_NAMES.length)]!;
    await q.execute(
      `INSERT INTO tiers (id_tiers, type_tiers, nom, prenom, raison_sociale, adresse, code_postal, ville, email, societaire, nb_parts, date_creation)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'O', ?, ?)`,
      [
        p.id,
        p.legal ? 'morale' : 'physique',
        t(p.legal ? '' : `${last} ${p.id}`),
        t(p.legal ? '' : first),
        t(p.legal ? `Association n° ${p.id}` : ''),
        t(`${p.id} rue de la Coopération`),
        '75011',
        'Paris',
        `m${p.id}@example.org`,
        p.shares,
        `${day} 10:00:00`,
      ],
    );
    await q.execute(
      `INSERT INTO clients (id_client, num_client, id_tiers, remise_pct, solde, etat, date_ouverture) VALUES (?, ?, ?, ?, 0, 'actif', ?)`,
      [
        p.id,
        `${day.replaceAll('-', '').slice(2)}${String(p.id).padStart(7, '0')}`,
        p.id,
        p.discount,
        day,
      ],
    );
    await q.execute(
      `INSERT INTO hebergements (id_hebergement, id_client, nom, uid, id_plaque, serveur, repertoire, date_creation, date_anniversaire, etat, quota_disque_mo, nb_mails)
       VALUES (?, ?, ?, ?, 1, 'web1', ?, ?, ?, 'actif', ?, 20)`,
      [
        p.id,
        p.id,
        `coop${p.id}`,
        20000 + p.id,
        `/home/c/coop${p.id}`,
        `${day} 10:00:00`,
        day,
        QUOTA_MO + 100 * p.disk,
      ],
    );
    if (p.disk > 0) {
      await q.execute(
        `INSERT INTO hebergements_options (id_hebergement, id_produit, quantite, date_debut, date_fin) VALUES (?, 2, ?, ?, '0000-00-00')`,
        [p.id, p.disk, day],
      );
    }
  }

  /** A MySQL base bought mid-year: billed pro rata at the next anniversary. */
  private async addOption(p: MemberPlan): Promise<void> {
    if (p.leaveOn && p.leaveOn <= p.mysqlFrom!) return;
    await this.db.run((q) =>
      q.execute(
        `INSERT INTO hebergements_options (id_hebergement, id_produit, quantite, date_debut, date_fin) VALUES (?, 3, 1, ?, '0000-00-00')`,
        [p.id, p.mysqlFrom],
      ),
    );
    this.count('options added');
  }

  /** The weekly run bills the anniversaries of the past week (invoice dated today). */
  private async billingRun(day: string): Promise<void> {
    const billing = this.app.get(AnniversaryBillingService);
    const report = await this.timed('BillingRun', () =>
      billing.run({ from: addDays(day, -6), to: day, actor: 'bench' }),
    );
    if (!report) return;
    for (const a of report.accounts) {
      if (a.status === 'issued' && a.invoiceId) {
        this.count('invoices issued');
        this.planPayment(this.plans[Number(a.customerId) - 1]!, a.invoiceId, day);
      } else if (a.status === 'error') {
        this.stats.refusals['BillingRun:error'] =
          (this.stats.refusals['BillingRun:error'] ?? 0) + 1;
      }
    }
  }

  private async balanceOf(invoiceId: string): Promise<Money> {
    const view = await this.db.run((q) => findInvoice(q, invoiceId));
    return view && view.status === 'issued' ? Money.of(view.balance) : Money.ZERO;
  }

  /** How and when a member pays an invoice: on time, late, in two halves, with a bounce… */
  private planPayment(p: MemberPlan, invoiceId: string, issuedOn: string): void {
    const r = rng(this.shape.seed, 'invoice', p.id, issuedOn);
    if (p.payer === 'defaulter' && r() < 0.6) {
      // Never paid: cancelled by a credit note after the reminders.
      this.at(addDays(issuedOn, 150 + Math.floor(r() * 30)), () =>
        this.creditNote(invoiceId, 'Impayé : résiliation de la période'),
      );
      return;
    }
    const delay = {
      prompt: () => Math.floor(r() * 20),
      slow: () => 20 + Math.floor(r() * 40),
      late: () => 61 + Math.floor(r() * 90),
      defaulter: () => 90 + Math.floor(r() * 60),
    }[p.payer]();
    const on = addDays(issuedOn, delay);
    const method =
      r() < 0.85
        ? p.method
        : pick<PaymentMethod>(r(), [
            [0.5, 'transfer'],
            [0.5, 'card'],
          ]);
    const partial = r() < 0.08;
    const overpay = method === 'cheque' && r() < 0.03;
    const bounce = method === 'cheque' && r() < 0.02;
    const credited = r() < 0.01;
    this.at(on, async () => {
      const due = await this.balanceOf(invoiceId);
      if (!due.isPositive()) return;
      const amount = partial ? Money.round(due.times('0.5')) : due;
      const paid = await this.pay(p, invoiceId, method, amount, on, overpay);
      if (partial) {
        this.at(addDays(on, 30), async () => {
          const rest = await this.balanceOf(invoiceId);
          if (rest.isPositive())
            await this.pay(p, invoiceId, 'transfer', rest, addDays(on, 30), false);
        });
      }
      if (paid && bounce) {
        this.at(addDays(on, 12), async () => {
          const reversed = await this.timed('ReversePayment', () =>
            this.bus.execute(
              new ReversePaymentCommand(
                {
                  paymentId: paid.paymentId,
                  kind: 'bounced',
                  on: addDays(on, 12),
                  reason: 'Chèque impayé',
                },
                'bench',
              ),
            ),
          );
          if (reversed) this.count('cheques bounced');
          this.at(addDays(on, 30), async () => {
            const rest = await this.balanceOf(invoiceId);
            if (rest.isPositive())
              await this.pay(p, invoiceId, 'transfer', rest, addDays(on, 30), false);
          });
        });
      }
      if (paid && credited && !partial && !bounce) {
        // A paid year cancelled (service stopped early): the payment becomes the member's credit.
        this.at(addDays(on, 40), () => this.creditNote(invoiceId, 'Geste commercial'));
      }
    });
  }

  private async pay(
    p: MemberPlan,
    invoiceId: string,
    method: PaymentMethod,
    amount: Money,
    on: string,
    overpay: boolean,
  ): Promise<RecordPaymentResult | null> {
    // An overpaying cheque rounds up to the next 10 €; the surplus is kept as credit.
    const total = overpay
      ? Money.of(amount.toDecimal().dividedBy(10).floor().plus(1).times(10).toFixed(2))
      : amount;
    const result = await this.timed('RecordPayment', () =>
      this.bus.execute<RecordPaymentCommand, RecordPaymentResult>(
        new RecordPaymentCommand(
          {
            customerId: String(p.id),
            method,
            amount: total.toString(),
            receivedOn: on,
            reference: `${method === 'cheque' ? 'chq' : method === 'card' ? 'CB' : 'VIR'} ${p.id}-${on}`,
            allocations: [{ invoiceId, amount: amount.toString() }],
            ...(overpay && !total.equals(amount) ? { overpayment: true } : {}),
          },
          'bench',
        ),
      ),
    );
    if (result) {
      this.count(`payments ${method}`);
      if (overpay) this.count('overpayments');
    }
    return result;
  }

  private async creditNote(invoiceId: string, reason: string): Promise<void> {
    const done = await this.timed('IssueCreditNote', () =>
      this.bus.execute(
        new IssueCreditNoteCommand({ invoiceId, issuedOn: this.clock.today(), reason }, 'bench'),
      ),
    );
    if (done) this.count('credit notes');
  }

  /** Leaving: unpaid invoices cancelled, shares redeemed (floor permitting), account closed. */
  private async leave(p: MemberPlan): Promise<void> {
    const day = this.clock.today();
    const unpaid = await this.db.query<{ invoice_id: string }>(
      `SELECT invoice_id FROM g2_rm_invoices WHERE customer_id = ? AND kind = 'invoice' AND status = 'issued'`,
      [String(p.id)],
    );
    for (const u of unpaid) await this.creditNote(u.invoice_id, 'Départ du coopérateur');
    const numbers = this.shareNumbers.get(p.id);
    if (numbers) {
      const redeemed = await this.timed('RedeemShares', () =>
        this.bus.execute(
          new RedeemSharesCommand(
            { tiersId: String(p.id), numbers, on: day, reason: 'Départ' },
            'bench',
            `bench-leave-${p.id}`,
          ),
        ),
      );
      if (redeemed) this.count('shares redeemed');
    }
    this.holders.delete(p.id);
    await this.db.transaction(async (q) => {
      await q.execute(
        `UPDATE hebergements SET etat = 'ferme', date_etat = ? WHERE id_hebergement = ?`,
        [`${day} 10:00:00`, p.id],
      );
      await q.execute(`UPDATE clients SET etat = 'ferme' WHERE id_client = ?`, [p.id]);
    });
    this.count('members left');
  }

  /**
   * An overage episode each year: disk readings 3× the quota for two months (read on the run
   * days), then back under it. The overage run warns, charges after the grace period and
   * invoices the pending lines once they reach the threshold.
   */
  private planOverage(p: MemberPlan): void {
    const r = rng(this.shape.seed, 'overage', p.id);
    const end = p.leaveOn ?? this.shape.until;
    for (
      let start = addDays(p.joinOn, 60 + Math.floor(r() * 300));
      start < end;
      start = addDays(start, 365)
    ) {
      const month = start.slice(0, 8);
      const reading = (day: string, mo: number) =>
        this.at(day, () => this.diskReading(p.id, day, mo));
      for (const d of ['01', '10', '20']) {
        reading(`${month}${d}`, QUOTA_MO * 3);
        const next = addDays(`${month}01`, 32).slice(0, 8);
        reading(`${next}${d}`, QUOTA_MO * 3);
      }
      const after = addDays(`${month}01`, 64).slice(0, 8);
      reading(`${after}01`, QUOTA_MO / 2);
    }
  }

  private async diskReading(hostingId: number, day: string, mo: number): Promise<void> {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    await this.db.run((q) =>
      q.execute(
        `INSERT INTO mesures_disque (id_hebergement, annee, mois, jour, ts, web_ko, mail_ko, mysql_ko, trafic_ko) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0)`,
        [hostingId, y, m, d, Math.floor(Date.parse(`${day}T03:00:00Z`) / 1000), mo * 1024],
      ),
    );
  }

  private async overage(day: string): Promise<void> {
    const summary = await this.timed('OverageRun', () => this.app.get(OverageService).run(day));
    if (!summary) return;
    this.count('overage warnings', summary.detected);
    this.count('overage charges', summary.charged);
    this.count('overage invoices', summary.invoices.length);
  }

  /** The yearly ordinary assembly (second call: no quorum), convened a month ahead. */
  private planAssembly(day: string): void {
    const heldOn = addDays(day, 26);
    const r = rng(this.shape.seed, 'assembly', day);
    let assemblyId: string | null = null;
    const resolutions: string[] = [];
    let roll: { id: number; x: number }[] = [];
    const record = (recording: AssemblyRecording) =>
      this.timed(`Assembly:${recording.action}`, () =>
        this.bus.execute<RecordAtAssemblyCommand, RecordAtAssemblyResult>(
          new RecordAtAssemblyCommand(assemblyId!, recording, 'bench'),
        ),
      );
    this.at(day, async () => {
      const convened = await this.timed('ConveneAssembly', () =>
        this.bus.execute<ConveneAssemblyCommand, ConveneAssemblyResult>(
          new ConveneAssemblyCommand(
            {
              kind: 'ordinary',
              title: `AGO ${heldOn.slice(0, 4)}`,
              heldOn,
              startsAt: '18:30',
              place: 'Siège de la coopérative',
              call: 2,
            },
            'bench',
          ),
        ),
      );
      if (!convened) return;
      this.count('assemblies');
      assemblyId = convened.assemblyId;
      // The voting list is frozen now: attendance is drawn among today's holders.
      roll = [...this.holders].sort((a, b) => a - b).map((id) => ({ id, x: r() }));
      for (const text of [
        'Approbation des comptes',
        'Affectation du résultat',
        'Quitus au conseil',
      ]) {
        const added = await record({ action: 'resolution', text, byBoard: true });
        if (added?.resolutionId) resolutions.push(added.resolutionId);
      }
    });
    this.at(addDays(day, 5), async () => {
      if (!assemblyId) return;
      const postal = roll.filter((v) => v.x < 0.02);
      for (const v of postal) {
        const choices = Object.fromEntries(
          resolutions.map((id, i) => [id, i === 2 && v.x < 0.005 ? 'against' : 'for']),
        );
        await record({
          action: 'postal',
          tiersId: String(v.id),
          receivedOn: this.clock.today(),
          choices,
        });
      }
      this.at(heldOn, async () => {
        const present = roll.filter((v) => v.x >= 0.02 && v.x < 0.05).map((v) => v.id);
        const proxies = roll.filter((v) => v.x >= 0.05 && v.x < 0.06).map((v) => v.id);
        const blank = roll.filter((v) => v.x >= 0.06 && v.x < 0.065).map((v) => v.id);
        let marked = 0;
        for (const id of present)
          if (await record({ action: 'present', tiersId: String(id) })) marked += 1;
        let named = 0;
        for (const [i, id] of proxies.entries()) {
          const holder = present[i % Math.max(1, present.length)];
          if (
            holder !== undefined &&
            (await record({ action: 'proxy', tiersId: String(id), holderId: String(holder) }))
          )
            named += 1;
        }
        for (const id of blank) await record({ action: 'proxy', tiersId: String(id) });
        const room = marked + named;
        for (const resolutionId of resolutions) {
          const against = Math.floor(room * 0.05);
          const abstain = Math.floor(room * 0.03);
          await record({
            action: 'vote',
            resolutionId,
            for: room - against - abstain,
            against,
            abstain,
          });
        }
        await record({ action: 'close' });
      });
    });
  }
}
