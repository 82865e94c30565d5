import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  cgi2Answer,
  countryCode,
  formatMontant,
  judgeNotification,
  parseNotification,
  sealedRequest,
  verifyMac,
  type Fields,
  type RejectionKind,
  type StoredRequest,
} from '../../domain/monetico/monetico.js';
import type { RecordPayment } from '../../domain/billing/payment.js';
import { DomainError } from '../../domain/shared/errors.js';
import { Money } from '../../domain/shared/money.js';
import { parisDayOf } from '../../domain/shared/day.js';
import { findCustomer } from '../../legacy-sync/legacy-gateway.js';
import { findInvoice } from '../../projections/invoice-balances/invoice-balances.queries.js';
import { fromCents, toCents } from '../../domain/shared/cents.js';
import {
  RecordPaymentCommand,
  type RecordPaymentResult,
} from '../billing/record-payment.command.js';
import { Clock } from '../kernel/clock.js';
import { Db, isDuplicateKey } from '../kernel/database/db.js';
import { sqlTimestamp } from '../kernel/event-store/event-store.js';
import { addressKey, ForgedLimiter } from './forged-limiter.js';
import { hmacSha1, randomReference } from './monetico-crypto.js';
import { MONETICO_CONFIG, type MoneticoConfig } from '../kernel/config.js';

/** What became of a notification (g2_card_notifications.outcome). */
export type NotificationOutcome =
  | 'received'
  | 'paid'
  | 'duplicate'
  | 'cancelled'
  | 'ignored_after_paid'
  | 'paid_as_credit'
  | AnomalyKind;

export type AnomalyKind = 'malformed' | 'bad_mac' | RejectionKind | 'record_failed';

/** Outcomes that need nobody: everything else is listed for the treasurer. */
const NORMAL: readonly NotificationOutcome[] = [
  'received',
  'paid',
  'duplicate',
  'cancelled',
  'ignored_after_paid',
];

export const ANOMALY_LABELS: Record<
  Exclude<NotificationOutcome, (typeof NORMAL)[number]>,
  string
> = {
  malformed: 'Notification mal formée',
  bad_mac: 'Sceau MAC invalide',
  unknown_reference: 'Référence inconnue',
  tpe_mismatch: 'TPE inattendu',
  amount_mismatch: 'Montant différent de la demande',
  invoice_mismatch: 'Référence d’une autre facture',
  wrong_mode: 'Code retour du mauvais mode (test/production)',
  unknown_code: 'Code retour inconnu',
  bad_date: 'Date illisible',
  record_failed: 'Paiement non enregistrable',
  paid_as_credit: 'Payé alors que la facture ne l’attendait plus : porté au crédit',
};

export interface CardForm {
  bankUrl: string;
  fields: { name: string; value: string }[];
  reference: string;
  amount: string;
  invoiceNumber: string;
  customerId: string;
}

export interface CardQuote {
  invoiceId: string;
  invoiceNumber: string;
  amount: string;
  customerId: string;
}

export interface CardAnomaly {
  id: number;
  receivedAt: string;
  reference: string;
  codeRetour: string;
  macValid: boolean;
  outcome: string;
  label: string;
  detail: string;
  paymentId: string | null;
  invoiceId: string | null;
  customerId: string | null;
  requestedAmount: string | null;
}

/** One address's notifications with a wrong seal on one Paris day (address `*`: the others). */
export interface ForgedNotifications {
  day: string;
  address: string;
  received: number;
  firstAt: string;
  lastAt: string;
  lastReference: string;
  lastReason: string;
}

export interface Page {
  offset: number;
  limit: number;
}

/** Whole numbers written into the SQL (placeholders in LIMIT differ between the drivers). */
function limitClause(page: Page): string {
  return ` LIMIT ${Math.max(0, Math.floor(page.limit))} OFFSET ${Math.max(0, Math.floor(page.offset))}`;
}

export interface CardReturn {
  reference: string;
  invoiceId: string;
  invoiceNumber: string;
  customerId: string;
  amount: string;
  paid: boolean;
  invoiceStatus: string;
}

interface RequestRow {
  reference: string;
  invoice_id: string;
  customer_id: string;
  amount: unknown;
  texte_libre: string;
  payment_id: string | null;
  [k: string]: unknown;
}

const RAW_LIMIT = 64 * 1024;
/**
 * What is kept of a notification whose seal fails (the last one per address and day): anyone
 * can post to the callback, so an unauthenticated body costs at most this much room.
 */
const UNSEALED_RAW_LIMIT = 2048;
/** Addresses with their own forged-notification row per day; the others share address `*`. */
export const FORGED_ADDRESSES_PER_DAY = 1000;

/** Card payment through Monetico: the sealed request, the CGI2 notification, the anomalies. */
@Injectable()
export class MoneticoService {
  private readonly logger = new Logger('Monetico');
  private readonly forgedLimiter: ForgedLimiter;

  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(MONETICO_CONFIG) private readonly config: MoneticoConfig,
  ) {
    this.forgedLimiter = new ForgedLimiter(config.forgedPerAddress, config.forgedWindowMs);
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  /** What the anomalies page says of the limits on forged notifications. */
  get forgedLimits() {
    return {
      forgedPerAddress: this.config.forgedPerAddress,
      forgedWindowMinutes: this.config.forgedWindowMs / 60_000,
      forgedAddressesPerDay: FORGED_ADDRESSES_PER_DAY,
    };
  }

  /** What the card page offers to pay, read only: nothing is written until the member confirms. */
  async quote(customerId: string, invoiceId: string): Promise<CardQuote> {
    const { invoice, due } = await this.payable(customerId, invoiceId);
    return { invoiceId, invoiceNumber: invoice.number, amount: due.toString(), customerId };
  }

  /** The invoice and what is still due on it, when it can be paid by card now. */
  private async payable(customerId: string, invoiceId: string) {
    if (!this.config.enabled) {
      throw new DomainError(
        'card_unavailable',
        'Le paiement par carte n’est pas disponible : la banque n’est pas configurée.',
      );
    }
    const { customer, invoice } = await this.db.run(async (q) => ({
      customer: await findCustomer(q, customerId),
      invoice: await findInvoice(q, invoiceId),
    }));
    if (!customer || !invoice || invoice.kind !== 'invoice' || invoice.customerId !== customerId) {
      throw new DomainError('not_found', 'Facture introuvable.', 'invoiceId');
    }
    if (invoice.status === 'cancelled') {
      throw new DomainError(
        'invoice_cancelled',
        `La facture ${invoice.number} est annulée par avoir : elle ne peut plus être réglée.`,
      );
    }
    const due = Money.of(invoice.balance);
    if (invoice.status === 'paid' || !due.isPositive()) {
      throw new DomainError('already_paid', `La facture ${invoice.number} est déjà réglée.`);
    }
    return { customer, invoice, due };
  }

  /**
   * The sealed form that sends the cooperator to the bank for what is still due on the
   * invoice; its reference is stored with the invoice, customer and amount it stands for.
   */
  async requestForm(customerId: string, invoiceId: string, origin = ''): Promise<CardForm> {
    const { customer, invoice, due } = await this.payable(customerId, invoiceId);
    const now = this.clock.now();
    const texteLibre = `Facture ${invoice.number} client ${customerId}`;
    const reference = await this.storeRequest(invoiceId, customerId, due, texteLibre, now);
    const base = this.config.publicUrl || origin;
    const fields = sealedRequest(
      {
        tpe: this.config.tpe,
        societe: this.config.societe,
        instant: now,
        amount: due,
        reference,
        mail: customer.email,
        texteLibre,
        urlOk: `${base}/paiement-carte/ok?reference=${reference}`,
        urlErr: `${base}/paiement-carte/erreur?reference=${reference}`,
        address: {
          addressLine1: customer.address.split(/\r?\n/)[0]?.trim() ?? '',
          city: customer.city,
          postalCode: customer.postalCode,
          country: countryCode(customer.country),
        },
      },
      this.config.scheme,
      this.config.key.bytes(),
      hmacSha1,
    );
    this.logger.log(
      `Demande de paiement par carte ${reference} : facture ${invoice.number}, client ${customerId}, ${formatMontant(due)} (sceau ${this.config.scheme})`,
    );
    return {
      bankUrl: this.config.bankUrl,
      fields: Object.entries(fields).map(([name, value]) => ({ name, value })),
      reference,
      amount: due.toString(),
      invoiceNumber: invoice.number,
      customerId,
    };
  }

  private async storeRequest(
    invoiceId: string,
    customerId: string,
    amount: Money,
    texteLibre: string,
    now: Date,
  ): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const reference = randomReference();
      try {
        await this.db.run((q) =>
          q.execute(
            `INSERT INTO g2_card_requests (reference, invoice_id, customer_id, amount, texte_libre, scheme, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
            [
              reference,
              invoiceId,
              customerId,
              toCents(amount.toString()),
              texteLibre,
              this.config.scheme,
              sqlTimestamp(now),
            ],
          ),
        );
        return reference;
      } catch (error) {
        // A reference drawn twice (55 random bits): draw another.
        if (!isDuplicateKey(error) || attempt >= 5) throw error;
      }
    }
  }

  /**
   * Refusal of a body the route could not even read (too big, wrong type): cdr=1, counted
   * like a forged notification (nobody sealed it).
   */
  async refuseUnreadable(reason: string, address = ''): Promise<string> {
    return this.refuseForged(
      this.clock.now(),
      address,
      '',
      `corps illisible : ${reason}`,
      '',
      ` : ${reason}`,
    );
  }

  /**
   * The CGI2 notification: seal checked over all received fields; a sealed one is kept raw,
   * then the payment recorded once per reference (idempotency key) before the answer. One
   * whose seal fails is only counted (see refuseForged). Returns the text to send.
   */
  async notify(
    raw: string,
    pairs: readonly (readonly [string, string])[],
    address = '',
  ): Promise<string> {
    const now = this.clock.now();
    const parsed = parseNotification(pairs);
    const reference = parsed.ok ? parsed.fields.reference! : parsed.reference;
    const code = parsed.ok ? (parsed.fields['code-retour'] ?? '') : '';
    // cdr reports the seal (docs/monetico.md): a notification the bank sealed is answered cdr=0
    // even when its fields cannot be used, and the treasurer sees it as an anomaly.
    const sealed = parsed.ok
      ? this.config.enabled &&
        verifyMac(parsed.fields, 'current', this.config.key.bytes(), hmacSha1)
      : this.sealedDespiteShape(pairs);
    if (!sealed) {
      if (parsed.ok)
        return this.refuseForged(
          now,
          address,
          reference,
          'sceau MAC invalide',
          raw,
          ` : sceau MAC invalide — référence ${reference}, code-retour ${code.slice(0, 32)}`,
        );
      return this.refuseForged(
        now,
        address,
        reference,
        `mal formée : ${parsed.reason}`,
        raw,
        ` (mal formée) : ${parsed.reason}${reference ? ` — référence ${reference}` : ''}`,
      );
    }
    const id = await this.keep(now, reference, code, raw);
    if (!parsed.ok) {
      await this.settle(id, 'malformed', parsed.reason, true);
      this.logger.warn(
        `Notification CGI2 n° ${id} refusée (mal formée, sceau valide) : ${parsed.reason}${reference ? ` — référence ${reference}` : ''}`,
      );
      return cgi2Answer(true);
    }
    try {
      await this.process(id, parsed.fields, now);
    } catch (error) {
      // The seal was right: the bank is told so; the treasurer sees what could not be recorded.
      const message = error instanceof Error ? error.message : String(error);
      await this.settle(id, 'record_failed', message.slice(0, 500), true);
      this.logger.error(
        `Notification CGI2 n° ${id} (référence ${reference}) non enregistrée : ${message}`,
      );
    }
    return cgi2Answer(true);
  }

  /**
   * A notification nobody sealed: anyone can post one, so it costs one counter on the row of
   * its address and day (bounded rows, see g2_card_forged), and nothing at all once its address
   * is over MONETICO_FORGED_MAX_PER_IP in the window. The window is counted on that row, so the
   * limit holds across app instances; this process's own count (a lower bound) spares the
   * database the requests it already knows are over. Answered cdr=1. `reason` is what the
   * treasurer reads, `logged` the end of the log line.
   */
  private async refuseForged(
    now: Date,
    address: string,
    reference: string,
    reason: string,
    raw: string,
    logged: string,
  ): Promise<string> {
    const from = address || 'adresse inconnue';
    let verdict = this.forgedLimiter.take(address, now.getTime());
    if (verdict === 'kept')
      verdict = await this.countForged(
        now,
        address ? addressKey(address) : '?',
        reference,
        reason,
        raw,
      );
    if (verdict === 'kept') {
      this.logger.warn(
        `Notification CGI2 refusée${logged} — depuis ${from}, rien n’est enregistré`,
      );
    } else if (verdict === 'newly-limited') {
      const minutes = this.config.forgedWindowMs / 60_000;
      this.logger.warn(
        `Notifications CGI2 au sceau invalide : plus de ${this.config.forgedPerAddress} en ${minutes} minutes depuis ${from}, les suivantes sont refusées sans être gardées jusqu’à la fin de la fenêtre`,
      );
    }
    return cgi2Answer(false);
  }

  /**
   * Counts one forged notification on its address's row of the day, within the row's window:
   * each step is one conditional UPDATE, so two instances never keep more than the limit
   * between them. `limited` when the window is full (nothing written).
   */
  private async countForged(
    now: Date,
    address: string,
    reference: string,
    reason: string,
    raw: string,
  ): Promise<'kept' | 'limited' | 'newly-limited'> {
    const day = parisDayOf(now);
    const at = sqlTimestamp(now);
    const expired = sqlTimestamp(new Date(now.getTime() - this.config.forgedWindowMs));
    const max = this.config.forgedPerAddress;
    const last = [reference.slice(0, 12), reason.slice(0, 255), raw.slice(0, UNSEALED_RAW_LIMIT)];
    const keep = `received = received + 1, last_at = ?, last_reference = ?, last_reason = ?, last_raw = ?`;
    return this.db.run(async (q) => {
      let key = address.slice(0, 64);
      // A few turns at most: each one sees another instance's change to the row, or the row
      // created. The usual cases cost one write: a count within the window, or a new row.
      for (let turn = 0; turn < 4; turn++) {
        const row = [day, key];
        const within = await q.execute(
          `UPDATE g2_card_forged SET ${keep}, window_count = window_count + 1
            WHERE on_day = ? AND address = ? AND window_start > ? AND window_count < ?`,
          [at, ...last, ...row, expired, max],
        );
        if (within.affected > 0) return 'kept';
        const [current] = await q.query<{ window_start: string; window_count: number | string }>(
          `SELECT window_start, window_count FROM g2_card_forged WHERE on_day = ? AND address = ?`,
          row,
        );
        if (current && current.window_start <= expired) {
          const restarted = await q.execute(
            `UPDATE g2_card_forged SET ${keep}, window_start = ?, window_count = 1
              WHERE on_day = ? AND address = ? AND window_start <= ?`,
            [at, ...last, at, ...row, expired],
          );
          if (restarted.affected > 0) return 'kept';
          continue; // restarted by another instance meanwhile
        }
        if (current) {
          const count = Number(current.window_count);
          if (count > max) return 'limited';
          if (count < max) continue; // counted down by another instance's restart meanwhile
          // One past the limit marks the window as refusing, so that is said once.
          const over = await q.execute(
            `UPDATE g2_card_forged SET window_count = window_count + 1
              WHERE on_day = ? AND address = ? AND window_start > ? AND window_count = ?`,
            [...row, expired, max],
          );
          if (over.affected > 0) return 'newly-limited';
          continue;
        }
        // Past so many addresses in a day, the others share one row: storage stays bounded.
        const [dayRows] = await q.query<{ n: number | string }>(
          `SELECT COUNT(*) AS n FROM g2_card_forged WHERE on_day = ?`,
          [day],
        );
        if (key !== '*' && Number(dayRows?.n ?? 0) >= FORGED_ADDRESSES_PER_DAY) {
          key = '*';
          continue;
        }
        const ignore = q.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
        const created = await q.execute(
          `${ignore} INTO g2_card_forged (on_day, address, received, first_at, last_at, last_reference, last_reason, last_raw, window_start, window_count)
           VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, 1)`,
          [...row, at, at, ...last, at],
        );
        if (created.affected > 0) return 'kept';
      }
      return 'limited';
    });
  }

  /** True when a notification that failed the shape checks still carries the bank's seal. */
  private sealedDespiteShape(pairs: readonly (readonly [string, string])[]): boolean {
    if (!this.config.enabled) return false;
    const fields = Object.fromEntries(pairs);
    // With a name twice the seal cannot say which value it covers.
    if (Object.keys(fields).length !== pairs.length) return false;
    return verifyMac(fields, 'current', this.config.key.bytes(), hmacSha1);
  }

  private async process(id: number, fields: Fields, now: Date): Promise<void> {
    const reference = fields.reference!;
    const request = await this.findRequest(reference);
    const verdict = judgeNotification(fields, request, {
      tpe: this.config.tpe,
      mode: this.config.mode,
      today: parisDayOf(now),
    });
    switch (verdict.kind) {
      case 'cancelled': {
        const paid = request?.paymentId != null;
        await this.settle(
          id,
          paid ? 'ignored_after_paid' : 'cancelled',
          fields.motifrefus ?? '',
          true,
          request?.paymentId ?? null,
        );
        this.logger.log(
          paid
            ? `Notification CGI2 n° ${id} : Annulation ignorée, la référence ${reference} est déjà payée`
            : `Notification CGI2 n° ${id} : paiement ${reference} refusé par la banque (Annulation), rien n’est enregistré`,
        );
        return;
      }
      case 'pay':
        await this.pay(id, request!, verdict.amount, verdict.receivedOn);
        return;
      case 'unknown_reference':
      case 'tpe_mismatch':
      case 'amount_mismatch':
      case 'invoice_mismatch':
      case 'wrong_mode':
      case 'unknown_code':
      case 'bad_date':
        await this.settle(id, verdict.kind, verdict.detail, true);
        this.logger.warn(
          `Notification CGI2 n° ${id} rejetée (${verdict.kind}) : ${verdict.detail}, rien n’est payé — anomalie signalée à la trésorerie`,
        );
        return;
    }
  }

  private async pay(
    id: number,
    request: StoredRequest & { paymentId: string | null },
    amount: string,
    receivedOn: string,
  ): Promise<void> {
    if (request.paymentId) {
      await this.settle(id, 'duplicate', '', true, request.paymentId);
      this.logger.log(
        `Notification CGI2 n° ${id} : référence ${request.reference} déjà payée (paiement ${request.paymentId}), rien de plus`,
      );
      return;
    }
    const base: RecordPayment = {
      customerId: request.customerId,
      method: 'card',
      amount,
      receivedOn,
      reference: `CB ${request.reference}`,
      bank: 'Monetico',
    };
    let outcome: NotificationOutcome = 'paid';
    let result: RecordPaymentResult;
    try {
      result = await this.record(
        { ...base, allocations: [{ invoiceId: request.invoiceId, amount }] },
        `monetico-${request.reference}`,
      );
    } catch (error) {
      if (error instanceof DomainError && error.code === 'conflict') {
        await this.settle(id, 'duplicate', '', true, await this.paymentOf(request.reference));
        return;
      }
      if (
        !(error instanceof DomainError) ||
        !['already_paid', 'exceeds_balance', 'invoice_cancelled'].includes(error.code)
      )
        throw error;
      // The money was taken: what the invoice no longer asks goes to the member's credit.
      const invoice = await this.db.run((q) => findInvoice(q, request.invoiceId));
      const balance =
        invoice && invoice.status === 'issued' ? Money.of(invoice.balance) : Money.ZERO;
      const part = balance.compare(Money.of(amount)) < 0 ? balance : Money.of(amount);
      result = await this.record(
        {
          ...base,
          allocations: part.isPositive()
            ? [{ invoiceId: request.invoiceId, amount: part.toString() }]
            : [],
          overpayment: true,
        },
        `monetico-${request.reference}-credit`,
      );
      outcome = 'paid_as_credit';
    }
    const marked = await this.db.run((q) =>
      q.execute(
        `UPDATE g2_card_requests SET payment_id = ?, paid_at = ? WHERE reference = ? AND payment_id IS NULL`,
        [result.paymentId, sqlTimestamp(this.clock.now()), request.reference],
      ),
    );
    if (marked.affected === 0) outcome = 'duplicate';
    const detail =
      outcome === 'paid_as_credit'
        ? `facture déjà réglée ou annulée : ${result.credited} € portés au crédit du client`
        : '';
    await this.settle(id, outcome, detail, true, result.paymentId);
    this.logger.log(
      outcome === 'duplicate'
        ? `Notification CGI2 n° ${id} : référence ${request.reference} déjà payée (paiement ${result.paymentId}), rien de plus`
        : `Notification CGI2 n° ${id} : paiement par carte ${request.reference} enregistré (${amount} €, paiement ${result.paymentId})${detail ? ` — ${detail}` : ''}`,
    );
  }

  private record(input: RecordPayment, key: string): Promise<RecordPaymentResult> {
    return this.commands.execute<RecordPaymentCommand, RecordPaymentResult>(
      new RecordPaymentCommand(input, 'monetico', key),
    );
  }

  private async paymentOf(reference: string): Promise<string | null> {
    return (await this.findRequest(reference))?.paymentId ?? null;
  }

  private async findRequest(
    reference: string,
  ): Promise<(StoredRequest & { paymentId: string | null }) | null> {
    const [row] = await this.db.query<RequestRow>(
      `SELECT reference, invoice_id, customer_id, amount, texte_libre, payment_id FROM g2_card_requests WHERE reference = ?`,
      [reference],
    );
    if (!row) return null;
    return {
      reference: row.reference,
      invoiceId: row.invoice_id,
      customerId: String(row.customer_id),
      amount: fromCents(row.amount),
      texteLibre: row.texte_libre,
      paymentId: row.payment_id ?? null,
    };
  }

  /** Keeps a sealed notification as received, before anything is decided on it. */
  private async keep(now: Date, reference: string, code: string, raw: string): Promise<number> {
    const { insertId } = await this.db.run((q) =>
      q.execute(
        `INSERT INTO g2_card_notifications (received_at, reference, code_retour, mac_valid, outcome, detail, raw) VALUES (?, ?, ?, 1, 'received', '', ?)`,
        [sqlTimestamp(now), reference, code.slice(0, 32), raw.slice(0, RAW_LIMIT)],
      ),
    );
    return insertId;
  }

  private async settle(
    id: number,
    outcome: NotificationOutcome,
    detail: string,
    macValid: boolean,
    paymentId: string | null = null,
  ): Promise<void> {
    await this.db.run((q) =>
      q.execute(
        `UPDATE g2_card_notifications SET outcome = ?, detail = ?, mac_valid = ?, payment_id = ? WHERE id = ?`,
        [outcome, detail, macValid ? 1 : 0, paymentId, id],
      ),
    );
  }

  /**
   * What the treasurer must look at: every kept notification that did not simply pay or
   * cancel, newest first, a page at a time. Notifications nobody sealed are only counted (see
   * `forged`), so they never push a real anomaly (money the bank took) off a page; rows kept
   * unsealed before they were counted apart come after every sealed one.
   */
  async anomalies(page: Page = { offset: 0, limit: 100 }): Promise<CardAnomaly[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT n.id, n.received_at, n.reference, n.code_retour, n.mac_valid, n.outcome, n.detail, n.payment_id,
              r.invoice_id, r.customer_id, r.amount
         FROM g2_card_notifications n LEFT JOIN g2_card_requests r ON r.reference = n.reference
        WHERE n.outcome NOT IN (${NORMAL.map(() => '?').join(', ')})
        ORDER BY n.mac_valid DESC, n.id DESC${limitClause(page)}`,
      [...NORMAL],
    );
    return rows.map((r) => {
      const outcome = String(r.outcome);
      return {
        id: Number(r.id),
        receivedAt: String(r.received_at),
        reference: String(r.reference ?? ''),
        codeRetour: String(r.code_retour ?? ''),
        macValid: Number(r.mac_valid) === 1,
        outcome,
        label: ANOMALY_LABELS[outcome as keyof typeof ANOMALY_LABELS] ?? outcome,
        detail: String(r.detail ?? ''),
        paymentId: (r.payment_id as string | null) ?? null,
        invoiceId: (r.invoice_id as string | null) ?? null,
        customerId: r.customer_id == null ? null : String(r.customer_id),
        requestedAmount: r.amount == null ? null : fromCents(r.amount),
      };
    });
  }

  async anomalyCount(): Promise<number> {
    const [row] = await this.db.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM g2_card_notifications WHERE outcome NOT IN (${NORMAL.map(() => '?').join(', ')})`,
      [...NORMAL],
    );
    return Number(row?.n ?? 0);
  }

  /** Notifications whose seal failed, counted per day and address, newest first. */
  async forged(page: Page = { offset: 0, limit: 100 }): Promise<ForgedNotifications[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT on_day, address, received, first_at, last_at, last_reference, last_reason
         FROM g2_card_forged ORDER BY on_day DESC, last_at DESC, address${limitClause(page)}`,
    );
    return rows.map((r) => ({
      day: String(r.on_day),
      address: String(r.address),
      received: Number(r.received),
      firstAt: String(r.first_at),
      lastAt: String(r.last_at),
      lastReference: String(r.last_reference ?? ''),
      lastReason: String(r.last_reason ?? ''),
    }));
  }

  async forgedCount(): Promise<number> {
    const [row] = await this.db.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM g2_card_forged`,
    );
    return Number(row?.n ?? 0);
  }

  /** What the return pages show for a reference (null: unknown). */
  async returnOf(reference: string): Promise<CardReturn | null> {
    if (!/^[A-Za-z0-9]{1,12}$/.test(reference)) return null;
    const request = await this.findRequest(reference);
    if (!request) return null;
    const invoice = await this.db.run((q) => findInvoice(q, request.invoiceId));
    return {
      reference,
      invoiceId: request.invoiceId,
      invoiceNumber: invoice?.number ?? '',
      customerId: request.customerId,
      amount: request.amount,
      paid: request.paymentId !== null,
      invoiceStatus: invoice?.status ?? 'issued',
    };
  }
}
