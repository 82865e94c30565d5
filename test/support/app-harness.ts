import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { seedLegacyDemo } from '../../legacy-sync/legacy-demo-data.js';
import { LegacySyncWorker } from '../../legacy-sync/legacy-sync.worker.js';
import { AppModule } from '../../src/app.module.js';
import { AfterCommit } from '../../src/lifecycle/after-commit.js';
import {
  IssueInvoiceCommand,
  type IssueInvoiceResult,
} from '../../src/billing/issue-invoice.command.js';
import {
  RecordPaymentCommand,
  type RecordPaymentResult,
} from '../../src/billing/record-payment.command.js';
import { BillingQueries } from '../../src/billing/billing-queries.js';
import { Clock, FixedClock } from '../../src/kernel/clock.js';
import { APP_CONFIG, type AppConfig } from '../../src/kernel/config.js';
import { Db, type Row } from '../../src/kernel/database/db.js';
import { CommandPipeline } from '../../src/kernel/event-store/command-pipeline.js';
import type { IssueInvoice } from '../../domain/billing/invoice.js';
import type { RecordPayment } from '../../domain/billing/payment.js';
import { glouxStatement, runGloux, type TestDatabase } from './databases.js';

/** The app's modules over a test database, with a fixed clock and no timers of consequence. */
export class AppHarness {
  private constructor(
    readonly context: INestApplicationContext,
    readonly database: TestDatabase,
    readonly clock: FixedClock,
  ) {}

  static async start(
    database: TestDatabase,
    options: {
      now?: string;
      fiscalYearStart?: string;
      /** Providers replaced by values (e.g. a module's configuration). */
      overrides?: readonly (readonly [token: unknown, value: unknown])[];
      /** False when reopening a database the harness already seeded (a restart). */
      seedLegacy?: boolean;
    } = {},
  ): Promise<AppHarness> {
    const clock = new FixedClock(new Date(options.now ?? '2026-11-25T10:00:00Z'));
    const config: AppConfig = {
      port: 0,
      database: database.settings,
      fiscalYearStart: options.fiscalYearStart ?? '01-01',
      demoData: false,
      legacySyncIntervalMs: 3_600_000,
    };
    let builder = Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(APP_CONFIG)
      .useValue(config)
      .overrideProvider(Clock)
      .useValue(clock);
    for (const [token, value] of options.overrides ?? [])
      builder = builder.overrideProvider(token as string).useValue(value);
    const moduleRef = await builder.compile();
    await moduleRef.init();
    const harness = new AppHarness(moduleRef, database, clock);
    // SQLite has no Gloux data of its own: the demo members stand in for it.
    if (database.dialect === 'sqlite' && options.seedLegacy !== false)
      await harness.db.transaction((tx) => seedLegacyDemo(tx));
    return harness;
  }

  get db(): Db {
    return this.context.get(Db);
  }
  get pipeline(): CommandPipeline {
    return this.context.get(CommandPipeline);
  }
  get queries(): BillingQueries {
    return this.context.get(BillingQueries);
  }
  get sync(): LegacySyncWorker {
    return this.context.get(LegacySyncWorker);
  }

  issue(input: IssueInvoice, idempotencyKey?: string): Promise<IssueInvoiceResult> {
    return this.context
      .get(CommandBus)
      .execute(new IssueInvoiceCommand(input, 'test', idempotencyKey));
  }

  pay(input: RecordPayment, idempotencyKey?: string): Promise<RecordPaymentResult> {
    return this.context
      .get(CommandBus)
      .execute(new RecordPaymentCommand(input, 'test', idempotencyKey));
  }

  /** Mirrors everything committed into Gloux's tables, failing loudly on an error. */
  async syncLegacy(): Promise<void> {
    await this.sync.catchUp();
  }

  /**
   * Runs one of Gloux's own statements (gloux-behaviour.sql) as Gloux would: on MariaDB over
   * the raw latin1 connection with @variables; on SQLite the same SQL through the app's
   * database, with the @variables bound as parameters.
   */
  async gloux<T extends Row = Row>(
    id: string,
    vars: Record<string, string | number> = {},
  ): Promise<T[]> {
    const sql = glouxStatement(id);
    if (this.database.gloux) return runGloux<T[]>(this.database.gloux, sql, vars);
    const params: unknown[] = [];
    const bound = sql.replace(/@(\w+)/g, (_m, name: string) => {
      if (!(name in vars)) throw new Error(`Missing @${name} for ${id}`);
      params.push(vars[name]);
      return '?';
    });
    return this.db.query<T>(bound, params);
  }

  /**
   * Lets the after-commit workers finish what the commits so far set off (the mirror, the
   * invoice notices, the e-mails): a test that counts events or snapshots tables settles first,
   * or an asynchronous reaction may land between its two readings.
   */
  async settle(): Promise<void> {
    await this.context.get(AfterCommit).settle();
  }

  async count(table: string, where = '1 = 1', params: unknown[] = []): Promise<number> {
    const [row] = await this.db.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`,
      params,
    );
    return Number(row?.n ?? 0);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** A line as the tests write it: one year of service from `start`. */
export function yearLine(label: string, net: string, start: string, end: string, vatRate = '20') {
  return { label, net, vatRate, serviceStart: start, serviceEnd: end };
}

export { chequeFor as cheque } from '../../domain/billing/payment.js';
