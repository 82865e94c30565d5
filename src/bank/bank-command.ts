import type { Clock } from '../kernel/clock.js';
import type { Tx } from '../kernel/database/db.js';
import type { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import type { AppendRequest } from '../kernel/event-store/event-store.js';

/** What a bank command carries to the pipeline: who, under which key, asking what. */
export interface BankCommandCall {
  readonly actor: string;
  readonly idempotencyKey?: string;
  /** Hashed with the key: the same key with another request is refused. */
  readonly request: unknown;
}

/**
 * One bank command in one transaction: the clock is read once, so `decide` and the recorded
 * events agree on the day; the handler gets the result only.
 */
export async function executeBankCommand<R>(
  pipeline: CommandPipeline,
  clock: Clock,
  commandType: string,
  call: BankCommandCall,
  decide: (tx: Tx, now: Date) => Promise<{ appends: AppendRequest[]; result: R }>,
): Promise<R> {
  const now = clock.now();
  const outcome = await pipeline.execute<R>({
    commandType,
    actor: call.actor,
    now,
    idempotencyKey: call.idempotencyKey,
    request: call.request,
    decide: (tx) => decide(tx, now),
  });
  return outcome.result;
}
