import { Inject, Injectable } from '@nestjs/common';
import type { SellerIdentity } from '../../domain/documents/printable-document.js';
import { decideCancelDepositSlip } from '../../domain/bank/deposit-slips.js';
import { formatDayFr } from '../../domain/shared/day.js';
import { plural } from '../../domain/shared/plural.js';
import { DomainError } from '../../domain/shared/errors.js';
import { formatEuros, Money } from '../../domain/shared/money.js';
import { findCustomers } from '../../legacy-sync/legacy-gateway.js';
import { findTiersByIds } from '../../legacy-sync/legacy-shares.js';
import {
  depositSlip,
  depositSlips,
  pendingCheques,
  type PendingCheque,
  type SlipCheque,
  type SlipSummary,
} from '../../projections/bank/deposit-slips.queries.js';
import { Clock } from '../kernel/clock.js';
import { SELLER_IDENTITY } from '../kernel/config.js';
import { Db } from '../kernel/database/db.js';
import { BANK_CONFIG, type BankConfig } from '../kernel/config.js';
import { loadDepositSlips } from './deposit-slip.handlers.js';

export interface PendingDay {
  receivedOn: string;
  count: number;
  total: string;
  cheques: (PendingCheque & { customerName: string })[];
}

export interface PrintableSlip extends SlipSummary {
  title: string;
  seller: { name: string; lines: string[] };
  account: string;
  cheques: (SlipCheque & { customerName: string; bounced: boolean })[];
  footer: string;
}

/** What the deposit slip pages, their JSON twins, the PDF and the CLI show. */
@Injectable()
export class DepositSlipPages {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SELLER_IDENTITY) private readonly seller: SellerIdentity,
    @Inject(BANK_CONFIG) private readonly config: BankConfig,
  ) {}

  today(): string {
    return this.clock.today();
  }

  /** Names of the customers, and of the tiers (`T<id>`) whose cheques paid shares. */
  private async names(ids: readonly string[]): Promise<Map<string, string>> {
    const tiers = ids.filter((id) => id.startsWith('T')).map((id) => id.slice(1));
    return this.db.run(async (q) => {
      const names = new Map((await findCustomers(q, ids)).map((c) => [c.customerId, c.name]));
      for (const [id, t] of await findTiersByIds(q, tiers))
        names.set(`T${id}`, `${t.name} (parts sociales)`);
      return names;
    });
  }

  /** Cheques to deposit grouped by day of receipt, and the slips made so far. */
  async overview(): Promise<{
    pending: PendingDay[];
    pendingCount: number;
    pendingTotal: string;
    slips: SlipSummary[];
  }> {
    const [cheques, slips] = await this.db.run(
      async (q) => [await pendingCheques(q), await depositSlips(q)] as const,
    );
    const names = await this.names(cheques.map((c) => c.customerId));
    const byDay = new Map<string, PendingDay>();
    for (const c of cheques) {
      const day = byDay.get(c.receivedOn) ?? {
        receivedOn: c.receivedOn,
        count: 0,
        total: '0.00',
        cheques: [],
      };
      day.cheques.push({
        ...c,
        customerName: names.get(c.customerId) ?? '(client inconnu de Gloux)',
      });
      day.count++;
      day.total = Money.of(day.total).plus(Money.of(c.amount)).toString();
      byDay.set(c.receivedOn, day);
    }
    return {
      pending: [...byDay.values()],
      pendingCount: cheques.length,
      pendingTotal: Money.sum(cheques.map((c) => Money.of(c.amount))).toString(),
      slips,
    };
  }

  async slip(number: string | number): Promise<PrintableSlip> {
    const n = Number(number);
    const slip = await this.db.run((q) => depositSlip(q, n));
    if (!slip) throw new DomainError('not_found', 'Bordereau introuvable.');
    const names = await this.names(slip.cheques.map((c) => c.customerId));
    const s = this.seller;
    return {
      ...slip,
      title: `Bordereau de remise de chèques n° ${slip.number}`,
      seller: { name: s.name, lines: [...s.addressLines, `SIREN ${s.siren}`] },
      account: this.config.account,
      cheques: slip.cheques.map((c) => ({
        ...c,
        customerName: names.get(c.customerId) ?? '(client inconnu de Gloux)',
        bounced: c.paymentStatus === 'bounced',
      })),
      footer: `${s.name} — bordereau n° ${slip.number} du ${formatDayFr(slip.depositOn)} — ${plural(slip.chequeCount, 'chèque', 'chèques')}, ${formatEuros(slip.total)}`,
    };
  }

  /** The slip a cancellation would cancel, checked as the command will (throws its refusal). */
  async cancellation(number: string, reason: string): Promise<PrintableSlip> {
    const { state } = await this.db.run((q) => loadDepositSlips(q));
    decideCancelDepositSlip(state, { number, reason }, { today: this.clock.today() });
    return this.slip(number);
  }
}
