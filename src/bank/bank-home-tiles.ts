import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { addDays } from '../../domain/shared/day.js';
import { Money } from '../../domain/shared/money.js';
import {
  cardDays,
  matchedCardDays,
  unmatchedLinesSummary,
} from '../../projections/bank/bank.queries.js';
import { pendingChequesSummary } from '../../projections/bank/deposit-slips.queries.js';
import { Db } from '../kernel/database/db.js';
import { HomeTiles } from '../panel/home-tiles.js';

/** How far back the home looks for card days and bank lines left unmatched. */
export const RECONCILIATION_LOOKBACK_DAYS = 90;

/** The treasurer's home: cheques to deposit, card days and bank lines not yet matched. */
@Injectable()
export class BankHomeTiles implements OnModuleInit {
  constructor(
    @Inject(HomeTiles) private readonly tiles: HomeTiles,
    @Inject(Db) private readonly db: Db,
  ) {}

  onModuleInit(): void {
    const since = (today: string) => addDays(today, -RECONCILIATION_LOOKBACK_DAYS);
    const reconciliation = (today: string) =>
      `/tresorerie/rapprochement?du=${since(today)}&au=${today}`;
    this.tiles.register(
      {
        home: 'treasurer',
        slot: 'cheques.pending',
        order: 10,
        read: async () => {
          const s = await this.db.run((q) => pendingChequesSummary(q));
          return {
            title: 'Chèques à remettre',
            count: s.count,
            one: 'chèque',
            many: 'chèques',
            amount: s.total,
            href: '/tresorerie/remises',
            needsAction: true,
          };
        },
      },
      {
        home: 'treasurer',
        slot: 'cards.unmatched',
        order: 20,
        read: async (today) => {
          // Up to yesterday: the bank credits a day's card payments on a later day.
          const from = since(today);
          const to = addDays(today, -1);
          const { days, matched } = await this.db.run(async (q) => ({
            days: await cardDays(q, from, to),
            matched: await matchedCardDays(q, from, to),
          }));
          const open = days.filter((d) => d.total !== '0.00' && !matched.has(d.day));
          return {
            title: 'Journées carte non rapprochées',
            count: open.length,
            one: 'journée',
            many: 'journées',
            amount: Money.sum(open.map((d) => Money.of(d.total))).toString(),
            detail: `sur les ${RECONCILIATION_LOOKBACK_DAYS} derniers jours, jusqu’à hier`,
            href: reconciliation(today),
            needsAction: true,
          };
        },
      },
      {
        home: 'treasurer',
        slot: 'bank.unmatched',
        order: 30,
        read: async (today) => {
          const s = await this.db.run((q) => unmatchedLinesSummary(q, since(today), today));
          return {
            title: 'Lignes bancaires non rapprochées',
            count: s.count,
            one: 'ligne',
            many: 'lignes',
            amount: s.total,
            detail: `sur les ${RECONCILIATION_LOOKBACK_DAYS} derniers jours`,
            href: reconciliation(today),
            needsAction: true,
          };
        },
      },
    );
  }
}
