import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module.js';
import { Db } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { TreasuryController } from './treasury.controller.js';
import { TreasuryHomeTiles } from './treasury-home-tiles.js';
import { TreasuryPages } from './treasury-pages.service.js';

/** The treasurer's reports: pages, JSON, exports (xlsx, ods, csv) and their CLI. */
@Module({
  imports: [BillingModule],
  controllers: [TreasuryController],
  providers: [TreasuryPages, TreasuryHomeTiles],
  exports: [TreasuryPages],
})
export class TreasuryModule implements OnModuleInit {
  private readonly logger = new Logger('Treasury');

  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
  ) {}

  /**
   * The treasury read models arrived after billing events were already recorded: when they
   * are empty while the billing ones are not, replay the log into them once.
   */
  async onModuleInit(): Promise<void> {
    const [row] = await this.db.query<{ missing: unknown }>(
      `SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM g2_rm_cash_movements)
                    AND NOT EXISTS (SELECT 1 FROM g2_rm_revenue_lines)
                    AND (EXISTS (SELECT 1 FROM g2_rm_payments) OR EXISTS (SELECT 1 FROM g2_rm_invoice_lines))
                   THEN 1 ELSE 0 END AS missing`,
    );
    if (Number(row?.missing ?? 0) !== 1) return;
    const { events } = await this.pipeline.rebuild(['treasury']);
    this.logger.log(`Rapports de trésorerie : ${events} événements rejoués`);
  }
}
