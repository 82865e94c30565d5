import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, type QueryRunner } from 'typeorm';
import { dataSourceOptions } from './data-source.js';
import type { DatabaseSettings, Dialect } from './settings.js';
import { isDuplicateKeyError } from '../errors.js';

export type Row = Record<string, unknown>;

/** What command handlers, projections and legacy-sync use to talk SQL (`?` placeholders). */
export interface Queryable {
  readonly dialect: Dialect;
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs an INSERT/UPDATE/DELETE; returns affected rows and the auto-increment id if any. */
  execute(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ affected: number; insertId: number }>;
  /**
   * Runs one INSERT/UPDATE/DELETE once per parameter list, e.g. a rebuild's rows. SQLite: one
   * statement prepared once and run in a loop, without a framework call per row; MariaDB: one
   * round trip each, so callers there send multi-row statements instead.
   */
  executeEach(sql: string, paramLists: readonly (readonly unknown[])[]): Promise<void>;
}

/** A transaction: same API, all statements on one connection, committed together. */
export type Tx = Queryable & { readonly inTransaction: true };

/** What `executeEach` needs of a better-sqlite3 connection and its statements. */
interface SqliteConnection {
  prepare(sql: string): { run(params: readonly unknown[]): unknown };
}

/**
 * Statements `executeEach` prepared, per SQLite connection: compiling is most of the cost of a
 * small statement, and a rebuild or a command writes the same few shapes again and again.
 */
const prepared = new WeakMap<
  SqliteConnection,
  Map<string, ReturnType<SqliteConnection['prepare']>>
>();

class RunnerQueryable implements Queryable {
  constructor(
    readonly dialect: Dialect,
    private readonly runner: QueryRunner,
  ) {}

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.runner.query(sql, [...params], true);
    return (result.records ?? []) as T[];
  }

  async execute(sql: string, params: readonly unknown[] = []) {
    const result = await this.runner.query(sql, [...params], true);
    const raw = result.raw as
      { insertId?: number | string; affectedRows?: number } | number | bigint;
    if (this.dialect === 'sqlite') {
      return { affected: result.affected ?? 0, insertId: Number(raw ?? 0) };
    }
    const header = raw as { insertId?: number | string; affectedRows?: number };
    return {
      affected: header.affectedRows ?? result.affected ?? 0,
      insertId: Number(header.insertId ?? 0),
    };
  }

  async executeEach(sql: string, paramLists: readonly (readonly unknown[])[]): Promise<void> {
    if (paramLists.length === 0) return;
    if (this.dialect !== 'sqlite') {
      for (const params of paramLists) await this.execute(sql, params);
      return;
    }
    const connection = (await this.runner.connect()) as SqliteConnection;
    let statements = prepared.get(connection);
    if (!statements) prepared.set(connection, (statements = new Map()));
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = connection.prepare(sql)));
    for (const params of paramLists) statement.run(params);
  }
}

/**
 * gloux2's own MariaDB sessions are strict: a value a column cannot hold is an error, never cut
 * in the middle of a character (docs/legacy-contract.md rule 5); values are checked before
 * writing, this is the last guard. Zero dates stay allowed (no NO_ZERO_DATE): they are Gloux's
 * "unset", read and written alike by both. Gloux's own sessions keep its sql_mode ''.
 */
export const GLOUX2_SQL_MODE = 'STRICT_ALL_TABLES';

/**
 * The database: a TypeORM DataSource plus the two rules everything relies on —
 * one transaction per command, and on SQLite (one connection) strictly one unit of work at a time.
 */
export class Db {
  readonly dialect: Dialect;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly inside = new AsyncLocalStorage<boolean>();

  private constructor(readonly dataSource: DataSource) {
    this.dialect = dataSource.options.type === 'mysql' ? 'mysql' : 'sqlite';
  }

  static async open(settings: DatabaseSettings): Promise<Db> {
    const ds = new DataSource(dataSourceOptions(settings));
    await ds.initialize();
    const db = new Db(ds);
    if (db.dialect === 'mysql') await ds.query(`SET SESSION sql_mode = '${GLOUX2_SQL_MODE}'`);
    return db;
  }

  async migrate(): Promise<void> {
    await this.dataSource.runMigrations({ transaction: 'each' });
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /** Pooled connections already in gloux2's sql_mode: a session keeps it, so set it once each. */
  private readonly prepared = new WeakSet<object>();

  private async prepare(runner: QueryRunner): Promise<void> {
    if (this.dialect !== 'mysql') return;
    const connection = (runner as { databaseConnection?: unknown }).databaseConnection;
    if (typeof connection === 'object' && connection !== null && this.prepared.has(connection))
      return;
    await runner.query(`SET SESSION sql_mode = '${GLOUX2_SQL_MODE}'`);
    if (typeof connection === 'object' && connection !== null) this.prepared.add(connection);
  }

  /** Serialises units of work on SQLite; MySQL's pool and locks do that job there. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.dialect === 'mysql') return work();
    if (this.inside.getStore()) {
      throw new Error('Nested database unit of work: use the Tx you were given');
    }
    const run = this.queue.then(() => this.inside.run(true, work));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A short unit of work outside any transaction (reads, single statements). */
  run<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const runner = this.dataSource.createQueryRunner();
      try {
        await runner.connect();
        await this.prepare(runner);
        return await work(new RunnerQueryable(this.dialect, runner));
      } finally {
        await runner.release();
      }
    });
  }

  query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.run((q) => q.query<T>(sql, params));
  }

  /**
   * One database transaction; rolled back if `work` throws. `readCommitted` (MariaDB; SQLite
   * has one writer anyway): each statement reads the latest committed rows and locking reads
   * take no gap locks, for work that must not block Gloux's inserts (see LegacySyncWorker).
   */
  transaction<T>(
    work: (tx: Tx) => Promise<T>,
    options: { readCommitted?: boolean } = {},
  ): Promise<T> {
    return this.exclusive(async () => {
      const runner = this.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await this.prepare(runner);
        await runner.startTransaction(
          options.readCommitted && this.dialect === 'mysql' ? 'READ COMMITTED' : undefined,
        );
        const tx = Object.assign(new RunnerQueryable(this.dialect, runner), {
          inTransaction: true as const,
        });
        const result = await work(tx);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        throw error;
      } finally {
        await runner.release();
      }
    });
  }
}

/** True when a driver error is a unique-key violation (by code, see src/kernel/errors.ts). */
export const isDuplicateKey = isDuplicateKeyError;
