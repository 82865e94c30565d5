import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CASH_METHODS } from '../../domain/treasury/treasury.js';
import { receiptsRecap } from '../../reports/treasury-reports.js';
import { BillingQueries } from '../billing/billing-queries.js';
import { Db } from '../kernel/database/db.js';
import { HomeTiles } from '../panel/home-tiles.js';

/** The treasurer's home: invoices past due, and the month's receipts. */
@Injectable()
export class TreasuryHomeTiles implements OnModuleInit {
  constructor(
    @Inject(HomeTiles) private readonly tiles: HomeTiles,
    @Inject(BillingQueries) private readonly billing: BillingQueries,
    @Inject(Db) private readonly db: Db,
  ) {}

  onModuleInit(): void {
    this.tiles.register(
      {
        home: 'treasurer',
        slot: 'invoices.overdue',
        order: 50,
        read: async (today) => {
          const s = await this.billing.overdueSummary(today);
          return {
            title: 'Factures échues impayées',
            count: s.count,
            one: 'facture',
            many: 'factures',
            amount: s.total,
            href: '/tresorerie/impayes',
            needsAction: true,
          };
        },
      },
      {
        home: 'treasurer',
        slot: 'receipts.month',
        order: 60,
        read: async (today) => {
          const from = `${today.slice(0, 7)}-01`;
          // The receipts page's own figures (cash methods, credit apart), so both agree.
          const { totals } = await receiptsRecap(this.db, { from, to: today }, 'month');
          return {
            title: 'Encaissements du mois',
            count: CASH_METHODS.reduce((n, m) => n + totals.methods[m].count, 0),
            one: 'encaissement',
            many: 'encaissements',
            amount: totals.cash,
            detail: `depuis le 1er du mois`,
            href: `/tresorerie/encaissements?du=${from}&au=${today}`,
            needsAction: false,
          };
        },
      },
    );
  }
}
