import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from './auth/auth.module.js';
import { AssembliesModule } from './assemblies/assemblies.module.js';
import { BankModule } from './bank/bank.module.js';
import { BillingModule } from './billing/billing.module.js';
import { BillingRunModule } from './billing-run/billing-run.module.js';
import { CatalogueModule } from './catalogue/catalogue.module.js';
import { CoreModule } from './core/core.module.js';
import { DemoModule } from './demo/demo.module.js';
import { DocumentsModule } from './documents/documents.module.js';
import { MoneticoModule } from './monetico/monetico.module.js';
import { OverageModule } from './overage/overage.module.js';
import { LegacySyncModule } from '../legacy-sync/legacy-sync.module.js';
import { LegacyModule } from './legacy/legacy.module.js';
import { HomeTilesModule } from './panel/home-tiles.js';
import { PanelModule } from './panel/panel.module.js';
import { SharesModule } from './shares/shares.module.js';
import { TreasuryModule } from './treasury/treasury.module.js';
import { LifecycleModule } from './lifecycle/lifecycle.module.js';
import { HostingModule } from './hosting/hosting.module.js';
import { SentinelModule } from './hosting/sentinel/sentinel.module.js';
import type { Config } from './kernel/config.js';

function appImports(core: DynamicModule) {
  return [
    CqrsModule.forRoot(),
    core,
    HomeTilesModule,
    AuthModule,
    BillingModule,
    CatalogueModule,
    BillingRunModule,
    OverageModule,
    LegacySyncModule,
    DemoModule,
    PanelModule,
    DocumentsModule,
    AssembliesModule,
    SharesModule,
    BankModule,
    MoneticoModule,
    LegacyModule,
    TreasuryModule,
    LifecycleModule,
    HostingModule,
    SentinelModule,
  ];
}

/** The whole app, its configuration read from the environment when it is built. */
@Module({ imports: appImports(CoreModule.forRoot()) })
export class AppModule {
  /** The whole app on a configuration already loaded (main.ts: with the demo bank's settings). */
  static withConfig(config: Config): DynamicModule {
    return { module: ConfiguredAppModule, imports: appImports(CoreModule.forRoot(config)) };
  }
}

@Module({})
class ConfiguredAppModule {}
