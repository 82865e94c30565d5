import { randomUUID } from 'node:crypto';
import { Subject } from 'rxjs';
import type { Projection } from '../projection.js';
import { startRun } from '../projection-run.js';
import { rebuildProjections, type RebuildOptions } from './rebuild.js';
import { isDuplicateKey, type Db, type Tx } from '../database/db.js';
import { isTableDefinitionChanged } from '../errors.js';
import {
  append,
  ConcurrencyError,
  sqlTimestamp,
  type AppendRequest,
  type EventMetadata,
  type EventSource,
  type RecordedEvent,
} from './event-store.js';
import { parseIdempotencyKey, previousResult, requestHash } from './idempotency.js';
import { assertPeriodsOpen, guardLockedPeriods, periodLockProjection } from '../period-lock.js';
import { endDraws, recordNumberGap, type DrawnNumber } from './number-gaps.js';

export interface CommandContext {
  readonly now: Date;
  readonly actor: string;
  readonly correlationId: string;
}

/** What a command's decision returns: the events to append per stream, and the caller's answer. */
export interface Decision<R> {
  readonly appends: AppendRequest[];
  readonly result: R;
}

export interface CommandOptions<R> {
  readonly commandType: string;
  readonly actor: string;
  readonly now: Date;
  /** The same key twice returns the first result and appends nothing. */
  readonly idempotencyKey?: string;
  /** The command's input: a key reused with another request is refused (409). */
  readonly request: unknown;
  readonly source?: EventSource;
  /** Loads state from `tx`, decides, and returns what to append and what to answer. */
  readonly decide: (tx: Tx, ctx: CommandContext) => Promise<Decision<R>>;
}

/**
 * A command that uses numbers drawn from Gloux's counters (invoice, credit note, shares): a
 * MyISAM draw never rolls back, so everything is checked before the draw, and every number
 * drawn for a command that then fails (or turns out to be a replay) is recorded as a gap.
 */
export interface NumberedCommandOptions<R, C> extends Omit<CommandOptions<R>, 'decide'> {
  /** Checks the input against the current state, outside the transaction; throws on bad input. */
  readonly check: () => Promise<C>;
  /**
   * The day(s) the command books on, once checked: a locked period refuses it before the draw
   * (the pipeline checks the appended events again in the transaction).
   */
  readonly datedOn?: (checked: C) => readonly string[];
  /** Draws the numbers the command needs (none: an empty list). */
  readonly draw: (checked: C) => Promise<readonly DrawnNumber[]>;
  readonly decide: (
    tx: Tx,
    ctx: CommandContext,
    drawn: readonly DrawnNumber[],
    checked: C,
  ) => Promise<Decision<R>>;
}

export interface CommandOutcome<R> {
  readonly result: R;
  readonly events: readonly RecordedEvent[];
  /** True when the idempotency key had already been used: nothing new was recorded. */
  readonly replayed: boolean;
}

/**
 * One transaction per command: load, decide, append, run the inline projections,
 * remember the idempotency key, commit. Side effects start only after the commit,
 * from the log (see `committed$`).
 */
export class CommandPipeline {
  /** Emits after each commit; after-commit workers (legacy-sync, mail) wake on it. */
  readonly committed$ = new Subject<readonly RecordedEvent[]>();

  private readonly projections: readonly Projection[];

  constructor(
    private readonly db: Db,
    projections: readonly Projection[],
  ) {
    // The locked periods are read by every command: their read model is always kept.
    this.projections = projections.some((p) => p.name === 'period-locks')
      ? projections
      : [periodLockProjection(), ...projections];
  }

  /**
   * Runs a numbered command: a retry answers at once (drawing nothing); otherwise check, the
   * locked periods, draw, then the command; each number it drew but did not keep becomes a gap.
   */
  async executeNumbered<R, C>(options: NumberedCommandOptions<R, C>): Promise<R> {
    const { check, datedOn, draw, decide, ...command } = options;
    const previous = await this.replayOf<R>(
      command.idempotencyKey,
      command.commandType,
      command.request,
    );
    if (previous !== null) return previous;
    const checked = await check();
    const days = datedOn?.(checked) ?? [];
    if (days.length > 0) await this.db.run((q) => assertPeriodsOpen(q, days));
    const drawn = await draw(checked);
    const gaps = (reason: string) =>
      this.db.run(async (q) => {
        for (const d of drawn) await recordNumberGap(q, command.now, d, reason);
        await endDraws(q, drawn);
      });
    try {
      const outcome = await this.execute<R>({
        ...command,
        decide: (tx, ctx) => decide(tx, ctx, drawn, checked),
      });
      if (outcome.replayed && drawn.length > 0) {
        const own = drawn.length > 1 ? 'numbers' : 'number';
        await gaps(`idempotent replay: the first command kept its own ${own}`);
      } else if (drawn.length > 0) {
        // On their documents now; a kill before this line is settled at the next start.
        await this.db.run((q) => endDraws(q, drawn));
      }
      return outcome.result;
    } catch (error) {
      if (drawn.length > 0) await gaps(`command failed: ${(error as Error).message}`);
      throw error;
    }
  }

  /** Runs a command and answers its result (the handlers' usual need). */
  async run<R>(options: CommandOptions<R>): Promise<R> {
    return (await this.execute(options)).result;
  }

  /**
   * Retries a command whose stream moved meanwhile (it reloads its state and decides again), or
   * that waited for a MariaDB rebuild and then read a read model swapped in after its snapshot.
   */
  async execute<R>(options: CommandOptions<R>): Promise<CommandOutcome<R>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.executeOnce(options);
      } catch (error) {
        const again = error instanceof ConcurrencyError || isTableDefinitionChanged(error);
        if (!again || attempt >= 5) throw error;
      }
    }
  }

  private async executeOnce<R>(options: CommandOptions<R>): Promise<CommandOutcome<R>> {
    const key = parseIdempotencyKey(options.idempotencyKey);
    const hash = requestHash(options.commandType, options.request);
    try {
      const outcome = await this.db.transaction(async (tx) => {
        if (key) {
          const previous = await this.replayed<R>(tx, key, options.commandType, hash);
          if (previous) return previous;
        }
        const ctx: CommandContext = {
          now: options.now,
          actor: options.actor,
          correlationId: randomUUID(),
        };
        const decided = await options.decide(tx, ctx);
        const source = options.source ?? 'g2';
        const appends = await guardLockedPeriods(tx, decided.appends, source, options.commandType);
        const result = decided.result;
        const metadata: EventMetadata = {
          actor: options.actor,
          source,
          commandType: options.commandType,
          correlationId: ctx.correlationId,
          ...(key ? { idempotencyKey: key } : {}),
        };
        const events = await append(tx, appends, metadata, options.now);
        const run = startRun(tx, this.projections, 'command');
        for (const event of events) await run.apply(event);
        await run.flush();
        if (key) {
          await tx.execute(
            `INSERT INTO g2_commands (idempotency_key, command_type, request_hash, result, first_position, last_position, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
            [
              key,
              options.commandType,
              hash,
              JSON.stringify(result ?? null),
              events[0]?.position ?? null,
              events[events.length - 1]?.position ?? null,
              sqlTimestamp(options.now),
            ],
          );
        }
        return { result, events, replayed: false };
      });
      if (outcome.events.length > 0) this.committed$.next(outcome.events);
      return outcome;
    } catch (error) {
      // A concurrent twin with the same key won the race: answer with its result.
      if (key && isDuplicateKey(error)) {
        const previous = await this.db.run((q) =>
          this.replayed<R>(q, key, options.commandType, hash),
        );
        if (previous) return previous;
      }
      throw error;
    }
  }

  private async replayed<R>(
    q: Pick<Tx, 'query'>,
    key: string,
    commandType: string,
    hash: string,
  ): Promise<CommandOutcome<R> | null> {
    const result = await previousResult<R>(q, key, commandType, hash);
    return result === null ? null : { result, events: [], replayed: true };
  }

  /** The result a retried command would get, without running it (null: the key is new). */
  replayOf<R>(
    idempotencyKey: string | undefined,
    commandType: string,
    request: unknown,
  ): Promise<R | null> {
    const key = parseIdempotencyKey(idempotencyKey);
    if (!key) return Promise.resolve(null);
    return this.db.run((q) =>
      previousResult<R>(q, key, commandType, requestHash(commandType, request)),
    );
  }

  /**
   * Rebuilds the projections' tables from the whole log in one streaming pass while no command
   * commits; a failure leaves every table as it was (see rebuild.ts).
   */
  async rebuild(
    names?: readonly string[],
    onProgress?: (position: number) => void,
    options?: RebuildOptions,
  ): Promise<{ events: number }> {
    const selected = this.projections.filter(
      (p) => !names || names.length === 0 || names.includes(p.name),
    );
    const unknown = (names ?? []).filter((n) => !this.projections.some((p) => p.name === n));
    if (unknown.length > 0) throw new Error(`Unknown projection(s): ${unknown.join(', ')}`);
    return rebuildProjections(this.db, selected, onProgress, options);
  }

  get projectionNames(): string[] {
    return this.projections.map((p) => p.name);
  }
}
