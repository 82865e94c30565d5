import { Inject, Injectable } from '@nestjs/common';
import { parseDay, type Day } from '../../domain/shared/day.js';
import { DomainError, parseField } from '../../domain/shared/errors.js';
import { Money } from '../../domain/shared/money.js';
import { floorOf, type ShareRules } from '../../domain/shares/share-capital.js';
import { stateLabel } from '../../domain/shares/share-movements.js';
import type { ShareState } from '../../domain/shares/events.js';
import type { SellerIdentity } from '../../domain/documents/printable-document.js';
import {
  findTiers,
  findTiersByIds,
  listTiers,
  tiersOfCustomer,
  type LegacyTiers,
} from '../../legacy-sync/legacy-shares.js';
import {
  capitalHistory,
  capitalListing,
  capitalOnDay,
  currentCapital,
  highestCapital,
  redemptionPayouts,
  redemptionRequests,
  shareRegister,
  sharesOfTiers,
  undatedShares,
  type CapitalListing,
  type RegisterRow,
} from '../../projections/shares/shares.queries.js';
import { formatNumberRanges } from '../../domain/shares/share-numbers.js';
import { searchMembers, type LegacyMemberRow } from '../../legacy-sync/legacy-members.js';
import { Clock } from '../kernel/clock.js';
import { SELLER_IDENTITY } from '../kernel/config.js';
import { Db } from '../kernel/database/db.js';
import { capitalChartSvg } from './capital-chart.js';
import { SHARES_CONFIG } from '../kernel/config.js';

/** The register's words for each movement kind. */
export const MOVEMENT_LABELS: Record<string, string> = {
  souscription: 'Souscription',
  liberation: 'Libération',
  cession: 'Cession',
  remboursement: 'Remboursement',
  annulation: 'Annulation',
};

const withLabel = <R extends { kind: string }>(r: R) => ({
  ...r,
  kindLabel: MOVEMENT_LABELS[r.kind] ?? r.kind,
});

/** A day asked for in a query string (?jour=): a real day, the default being today. */
export function requestedDay(input: unknown, today: Day): Day {
  if (input === undefined || input === null || input === '') return today;
  return parseField('jour', () => parseDay(input), 'La date est invalide (AAAA-MM-JJ).');
}

export interface FloorView {
  highest: string;
  highestOn: Day | null;
  quarter: string;
  statutory: string;
  floor: string;
  binding: 'quarter' | 'statutory';
  policy: 'refuse' | 'queue';
  /** What may still be redeemed today without going below the floor. */
  headroom: string;
}

/** The data behind the share pages, shared by the HTML, JSON, PDF and xlsx routes. */
@Injectable()
export class SharesPages {
  constructor(
    @Inject(SELLER_IDENTITY) readonly seller: SellerIdentity,
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SHARES_CONFIG) readonly rules: ShareRules,
  ) {}

  today(): Day {
    return this.clock.today();
  }

  async floor(): Promise<FloorView> {
    return this.db.run(async (q) => {
      const highest = await highestCapital(q);
      const current = await currentCapital(q);
      const f = floorOf(Money.of(highest.capital), this.rules.statutoryFloor);
      const headroom = Money.of(current.capital).minus(f.floor);
      return {
        highest: highest.capital,
        highestOn: highest.day,
        quarter: f.quarter.toString(),
        statutory: f.statutory.toString(),
        floor: f.floor.toString(),
        binding: f.binding,
        policy: this.rules.policy,
        headroom: headroom.isNegative() ? '0.00' : headroom.toString(),
      };
    });
  }

  /** Everything /api/parts gives: capital, floor, holders, queue, undated Gloux shares, tiers. */
  async overview() {
    const [summary, tiers] = await Promise.all([this.summary(), this.db.run((q) => listTiers(q))]);
    return { ...summary, tiers };
  }

  /**
   * What /admin/parts shows: capital, floor, every holder (the page shows a slice of them), the
   * queue and the undated Gloux shares. Not Gloux's whole tiers table: the forms take a number.
   */
  async summary() {
    const today = this.today();
    const [floor, data] = await Promise.all([
      this.floor(),
      this.db.run(async (q) => {
        const current = await currentCapital(q);
        const listing = await capitalListing(q, today);
        const pending = await redemptionRequests(q);
        const undated = await undatedShares(q);
        const toPay = await redemptionPayouts(q);
        const names = await findTiersByIds(q, [
          ...pending.map((p) => p.tiersId),
          ...toPay.map((p) => p.tiersId),
        ]);
        return {
          current,
          listing,
          pending: pending.map((p) => ({ ...p, name: names.get(p.tiersId)?.name ?? '' })),
          toPay: toPay.map((p) => ({ ...p, name: names.get(p.tiersId)?.name ?? '' })),
          undated: undated.map((s) => ({
            ...s,
            counted: s.heldUntil === null,
          })),
        };
      }),
    ]);
    return {
      today,
      nominal: this.rules.nominal.toString(),
      capital: data.current.capital,
      shares: data.current.shares,
      floor,
      holders: data.listing.members,
      holderTotals: {
        count: data.listing.members.length,
        shares: data.listing.totalShares,
        amount: data.listing.totalAmount,
      },
      pending: data.pending,
      /** Redemptions whose capital is still owed to the member (4567). */
      toPay: data.toPay,
      undated: data.undated,
    };
  }

  /** Members (customers of Gloux) matching a search, with their tiers number: the forms' input. */
  /** A person's name by tiers number, or null when Gloux has no such tiers. */
  async tiersName(tiersId: string): Promise<string | null> {
    const found = await this.db.run((q) => findTiersByIds(q, [tiersId]));
    return found.get(tiersId)?.name ?? null;
  }

  async findMembers(search: string, limit: number): Promise<LegacyMemberRow[]> {
    return this.db.run((q) => searchMembers(q, search, limit));
  }

  /** The register of movements of titles, in date order, with the tiers' names. */
  async register(): Promise<{
    generatedOn: Day;
    rows: (RegisterRow & { name: string; counterpartName: string | null; kindLabel: string })[];
  }> {
    return this.db.run(async (q) => {
      const rows = await shareRegister(q);
      const names = await findTiersByIds(q, [
        ...rows.map((r) => r.tiersId),
        ...rows.flatMap((r) => (r.counterpartTiersId ? [r.counterpartTiersId] : [])),
      ]);
      const name = (id: string) => names.get(id)?.name ?? `Tiers ${id}`;
      return {
        generatedOn: this.today(),
        rows: rows.map((r) => ({
          ...withLabel(r),
          name: name(r.tiersId),
          counterpartName: r.counterpartTiersId ? name(r.counterpartTiersId) : null,
        })),
      };
    });
  }

  /** Capital on a day, its history (and chart), the highest capital and the floor. */
  async capital(dayInput: unknown) {
    const today = this.today();
    const day = requestedDay(dayInput, today);
    const floor = await this.floor();
    return this.db.run(async (q) => {
      const history = await capitalHistory(q);
      return {
        day,
        today,
        onDay: await capitalOnDay(q, day),
        current: await currentCapital(q),
        floor,
        history,
        chart: capitalChartSvg(history, today > day ? today : day, floor.floor),
      };
    });
  }

  /** The capital listing at the end of `day`, checked against the daily capital. */
  async listing(dayInput: unknown): Promise<
    CapitalListing & {
      generatedOn: Day;
      capital: string;
      nominal: string;
      seller: SellerIdentity;
    }
  > {
    const day = requestedDay(dayInput, this.today());
    return this.db.run(async (q) => {
      const listing = await capitalListing(q, day);
      const capital = await capitalOnDay(q, day);
      // Two read models, one truth: a listing that disagrees with the capital is not printed.
      if (capital.capital !== listing.totalAmount || capital.shares !== listing.totalShares)
        throw new Error(
          `Capital listing (${listing.totalAmount}, ${listing.totalShares} shares) disagrees with the daily capital (${capital.capital}, ${capital.shares}) on ${day}`,
        );
      return {
        ...listing,
        generatedOn: this.today(),
        capital: capital.capital,
        nominal: this.rules.nominal.toString(),
        seller: this.seller,
      };
    });
  }

  /** A cooperator's shares (by their customer account, as /adherents/:id), held on `day`. */
  async member(customerId: string, dayInput?: unknown) {
    const day = requestedDay(dayInput, this.today());
    return this.db.run(async (q) => {
      const tiersId = await tiersOfCustomer(q, customerId);
      const tiers: LegacyTiers | null = tiersId ? await findTiers(q, tiersId) : null;
      if (!tiersId || !tiers) throw new DomainError('not_found', 'Adhérent introuvable.');
      const all = await sharesOfTiers(q, tiersId);
      const held = all.filter(
        (s) => s.heldFrom <= day && (s.heldUntil === null || s.heldUntil > day),
      );
      const amount = Money.sum(held.map((s) => Money.of(s.nominal)));
      // Paid up by that day (a Gloux share 'liberee' with a zero date counts as paid, date unknown).
      const paid = held.filter((s) =>
        s.paidOn === null ? s.state === 'liberee' : s.paidOn <= day,
      );
      return {
        customerId,
        day,
        tiers,
        shares: all.map((s) => ({ ...s, stateText: stateLabel(s.state as ShareState) })),
        held: {
          count: held.length,
          numbers: formatNumberRanges(held.map((s) => s.number)),
          amount: amount.toString(),
          paidCount: paid.length,
          paidAmount: Money.sum(paid.map((s) => Money.of(s.nominal))).toString(),
          nominal: held[0]?.nominal ?? this.rules.nominal.toString(),
        },
        register: (await shareRegister(q, { tiersId })).map(withLabel),
        seller: this.seller,
      };
    });
  }
}
