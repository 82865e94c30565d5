import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { allProjections } from '../../projections/all-projections.js';
import { Clock } from '../kernel/clock.js';
import {
  APP_CONFIG,
  ASSEMBLY_RULES,
  AUTH_CONFIG,
  BANK_CONFIG,
  CONFIG,
  configFromEnvironment,
  LIFECYCLE_CONFIG,
  MONETICO_CONFIG,
  OVERAGE_CONFIG,
  PANEL_CONFIG,
  HOSTING_CONFIG,
  MAIL_USAGE_CONFIG,
  SELLER_IDENTITY,
  SHARES_CONFIG,
  type AppConfig,
  type Config,
} from '../kernel/config.js';
import { Db } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';

/** Each module's slice of the configuration, by its token (tests replace one slice at a time). */
const SLICES: readonly (readonly [token: symbol, key: keyof Config])[] = [
  [APP_CONFIG, 'app'],
  [SELLER_IDENTITY, 'seller'],
  // The share rules (capital floor): the share commands and Gloux's share changes use them.
  [SHARES_CONFIG, 'shares'],
  [AUTH_CONFIG, 'auth'],
  [OVERAGE_CONFIG, 'overage'],
  [ASSEMBLY_RULES, 'assemblies'],
  [BANK_CONFIG, 'bank'],
  [MONETICO_CONFIG, 'monetico'],
  [LIFECYCLE_CONFIG, 'lifecycle'],
  [PANEL_CONFIG, 'panel'],
  [HOSTING_CONFIG, 'hosting'],
  [MAIL_USAGE_CONFIG, 'mailUsage'],
];

/** Database, event store pipeline, clock and configuration: what every module needs. */
@Global()
@Module({
  providers: [
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
        new CommandPipeline(db, allProjections(config.fiscalYearStart)),
    },
  ],
  exports: [Clock, Db, CommandPipeline],
})
export class CoreModule implements OnApplicationShutdown {
  /**
   * The configuration: read from the environment once when the app is built, or the one given
   * (main.ts, which has already read it to start the demo bank).
   */
  static forRoot(config?: Config): DynamicModule {
    const root: Provider = config
      ? { provide: CONFIG, useValue: config }
      : { provide: CONFIG, useFactory: configFromEnvironment };
    return {
      module: CoreModule,
      global: true,
      providers: [
        root,
        ...SLICES.map(([token, key]) => ({
          provide: token,
          inject: [CONFIG],
          useFactory: (c: Config) => c[key],
        })),
      ],
      exports: [CONFIG, ...SLICES.map(([token]) => token)],
    };
  }

  constructor(@Inject(Db) private readonly db: Db) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
