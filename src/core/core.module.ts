import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DocumentsProjection } from '../../projections/documents/documents.projection.js';
import { CustomerCreditProjection } from '../../projections/customer-credit/customer-credit.projection.js';
import { OverageProjection } from '../../projections/overage/overage.projection.js';
import { InvoiceBalancesProjection } from '../../projections/invoice-balances/invoice-balances.projection.js';
import { PaymentAllocationProjection } from '../../projections/payment-allocation/payment-allocation.projection.js';
import { VatRatesProjection } from '../../projections/vat-rates/vat-rates.projection.js';
import { HostingBillingsProjection } from '../../projections/hosting-billings/hosting-billings.projection.js';
import { SharesProjection } from '../../projections/shares/shares.projection.js';
import { AssembliesProjection } from '../../projections/assemblies/assemblies.projection.js';
import { BankProjection } from '../../projections/bank/bank.projection.js';
import { TreasuryProjection } from '../../projections/treasury/treasury.projection.js';
import { AccountsProjection } from '../../projections/accounts/accounts.projection.js';
import { Clock } from '../kernel/clock.js';
import { APP_CONFIG, loadConfig, type AppConfig } from '../kernel/config.js';
import { Db } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { loadSharesConfig, SHARES_CONFIG } from '../kernel/shares.config.js';

/** Database, event store pipeline, clock and configuration: what every module needs. */
@Global()
@Module({
  providers: [
    { provide: APP_CONFIG, useFactory: () => loadConfig() },
    // The share rules (capital floor): the share commands and Gloux's share changes use them.
    { provide: SHARES_CONFIG, useFactory: () => loadSharesConfig() },
    { provide: Clock, useValue: new Clock() },
    {
      provide: Db,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const db = await Db.open(config.database);
        await db.migrate();
        return db;
      },
    },
    {
      provide: CommandPipeline,
      inject: [Db, APP_CONFIG],
      useFactory: (db: Db, config: AppConfig) =>
        new CommandPipeline(db, [
          new InvoiceBalancesProjection(),
          new PaymentAllocationProjection(config.fiscalYearStart),
          new VatRatesProjection(),
          new HostingBillingsProjection(),
          new CustomerCreditProjection(),
          new DocumentsProjection(),
          new OverageProjection(),
          new SharesProjection(),
          new AssembliesProjection(),
          new BankProjection(),
          new TreasuryProjection(),
          new AccountsProjection(),
        ]),
    },
  ],
  exports: [APP_CONFIG, SHARES_CONFIG, Clock, Db, CommandPipeline],
})
export class CoreModule implements OnApplicationShutdown {
  constructor(@Inject(Db) private readonly db: Db) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
