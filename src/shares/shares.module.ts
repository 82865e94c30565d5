import { plural } from '../../domain/shared/plural.js';
import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SharesAdminController } from './shares-admin.controller.js';
import { SharesMemberController } from './shares-member.controller.js';
import {
  CancelSharesHandler,
  ImportLegacySharesHandler,
  PayUpSharesHandler,
  RedeemSharesHandler,
  ShareMovements,
  SubscribeSharesHandler,
  TransferSharesHandler,
  WithdrawRedemptionHandler,
} from './shares.handlers.js';
import { PayRedemptionHandler } from './redemption-payout.handler.js';
import { SharesPages } from './shares-pages.service.js';

/** Share capital: movements, Gloux import, pages, listing exports and certificates. */
@Module({
  imports: [CqrsModule],
  controllers: [SharesAdminController, SharesMemberController],
  providers: [
    ShareMovements,
    SubscribeSharesHandler,
    PayUpSharesHandler,
    TransferSharesHandler,
    RedeemSharesHandler,
    WithdrawRedemptionHandler,
    CancelSharesHandler,
    ImportLegacySharesHandler,
    PayRedemptionHandler,
    SharesPages,
  ],
  exports: [ShareMovements, SharesPages],
})
export class SharesModule implements OnModuleInit {
  private readonly logger = new Logger('Shares');

  constructor(@Inject(ShareMovements) private readonly movements: ShareMovements) {}

  /**
   * Gloux's existing shares are imported at start-up (idempotent, keyed by share number), so
   * capital, highest capital and floor are right from the first page. A failure is logged, not
   * fatal: `npm run cli -- shares:import-legacy` says what went wrong.
   */
  async onModuleInit(): Promise<void> {
    try {
      const r = await this.movements.importLegacy('system');
      if (r.imported > 0)
        this.logger.log(
          `${plural(r.imported, 'part sociale importée', 'parts sociales importées')} de Gloux`,
        );
      for (const line of r.anomalies) this.logger.warn(line);
      if (r.mismatches.length > 0)
        this.logger.warn(
          `${r.mismatches.length} tiers dont nb_parts diffère des parts de parts_sociales (détail : npm run cli -- shares:import-legacy)`,
        );
    } catch (error) {
      this.logger.error(
        `Import des parts sociales de Gloux impossible : ${(error as Error).message}`,
      );
    }
  }
}
