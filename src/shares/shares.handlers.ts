import { plural } from '../../domain/shared/plural.js';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SHARE_CAPITAL_STREAM, type ShareEvent } from '../../domain/shares/events.js';
import {
  capitalFloor,
  currentCapital,
  legacyShareAnomalies,
  foldShareCapital,
  type ShareCapitalState,
  type ShareRules,
} from '../../domain/shares/share-capital.js';
import {
  decideCancelShares,
  decidePayUpShares,
  decideRedeemShares,
  decideSubscribeShares,
  decideTransferShares,
  decideWithdrawRedemption,
  newLegacyShares,
  validateSubscribeShares,
  validateTransferShares,
  type ShareContext,
} from '../../domain/shares/share-movements.js';
import { formatNumberRanges } from '../../domain/shares/share-numbers.js';
import {
  drawShareNumbers,
  findTiersByIds,
  readLegacyShares,
  SHARE_COUNTER,
  tiersShareCountMismatches,
} from '../../legacy-sync/legacy-shares.js';
import { Clock } from '../kernel/clock.js';
import { Db } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import {
  CancelSharesCommand,
  ImportLegacySharesCommand,
  PayUpSharesCommand,
  RedeemSharesCommand,
  SubscribeSharesCommand,
  TransferSharesCommand,
  WithdrawRedemptionCommand,
  type ImportLegacySharesResult,
  type ShareMovementResult,
} from './shares.commands.js';
import { SHARES_CONFIG } from '../kernel/config.js';
import { ShareCapitalCache } from '../../projections/shares/share-capital-cache.js';

/** Gloux imports are written in events of this many shares. */
const IMPORT_BATCH = 500;

type Decide = (state: ShareCapitalState, ctx: ShareContext, numbers: number[]) => ShareEvent[];

interface Movement {
  commandType: string;
  input: unknown;
  actor: string;
  idempotencyKey: string | undefined;
  /** Tiers ids the decision needs to know exist in Gloux. */
  tiersIds: unknown[];
  /** How many new numbers to draw, checked on the current state first (bad input burns none). */
  numbersNeeded?: (state: ShareCapitalState, ctx: ShareContext) => number;
  decide: Decide;
}

/**
 * Runs a share movement as a numbered command (`CommandPipeline.executeNumbered`): the numbers
 * it needs are counted on the current state and drawn from Gloux's counter before the
 * transaction on the share-capital stream.
 */
@Injectable()
export class ShareMovements {
  private readonly capital = new ShareCapitalCache();

  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SHARES_CONFIG) readonly rules: ShareRules,
  ) {}

  run(m: Movement): Promise<ShareMovementResult> {
    return this.pipeline.executeNumbered({
      commandType: m.commandType,
      actor: m.actor,
      now: this.clock.now(),
      idempotencyKey: m.idempotencyKey,
      request: m.input,
      check: async () => {
        const { ctx, state } = await this.current(m.tiersIds);
        return { ctx, needed: m.numbersNeeded?.(state, ctx) ?? 0 };
      },
      draw: async ({ needed }) => {
        if (needed === 0) return [];
        const numbers = await this.db.run((q) => drawShareNumbers(q, needed, this.clock.now()));
        return numbers.map((value) => ({ counter: SHARE_COUNTER, value, number: String(value) }));
      },
      decide: async (tx, _cmd, drawn, { ctx }) => {
        const { state, version } = await this.capital.load(tx);
        const events = m.decide(
          state,
          ctx,
          drawn.map((d) => d.value),
        );
        const after = foldShareCapital(events, state);
        return {
          appends: [{ streamId: SHARE_CAPITAL_STREAM, expectedVersion: version, events }],
          result: resultOf(events, after, this.rules),
        };
      },
    });
  }

  /**
   * What a movement that draws no number (redemption, cancellation, withdrawal) would record
   * now, with the names of its tiers: nothing is written. Throws the command's refusal.
   */
  async preview(
    decide: (state: ShareCapitalState, ctx: ShareContext) => ShareEvent[],
  ): Promise<{ events: ShareEvent[]; names: Map<string, string> }> {
    const { ctx, state } = await this.current([]);
    const events = decide(state, ctx);
    const ids = events.map((e) => ('tiersId' in e.data ? e.data.tiersId : ''));
    const tiers = await this.db.run((q) => findTiersByIds(q, ids));
    return { events, names: new Map([...tiers].map(([id, t]) => [id, t.name])) };
  }

  /** The capital as it stands, and the context a decision needs (today, rules, known tiers). */
  private async current(tiersIds: unknown[]) {
    const ids = tiersIds.map((v) => String(v ?? '').trim()).filter((v) => /^\d{1,10}$/.test(v));
    const known = await this.db.run((q) => findTiersByIds(q, ids));
    const ctx: ShareContext = {
      today: this.clock.today(),
      rules: this.rules,
      tiersExists: (id) => known.has(id),
      newId: () => randomUUID(),
    };
    const state = (await this.db.run((q) => this.capital.load(q))).state;
    return { ctx, state };
  }

  /** Gloux's parts_sociales rows not yet in the register, recorded with source 'gloux'. */
  async importLegacy(actor: string): Promise<ImportLegacySharesResult> {
    const importedOn = this.clock.today();
    const outcome = await this.pipeline.execute<ImportLegacySharesResult>({
      commandType: 'ImportLegacyShares',
      actor,
      now: this.clock.now(),
      request: { importedOn },
      source: 'gloux',
      decide: async (tx) => {
        const { state, version } = await this.capital.load(tx);
        const fresh = newLegacyShares(state, await readLegacyShares(tx));
        const events: ShareEvent[] = [];
        for (let i = 0; i < fresh.length; i += IMPORT_BATCH) {
          events.push({
            type: 'LegacySharesImported',
            data: { importedOn, shares: fresh.slice(i, i + IMPORT_BATCH) },
          });
        }
        const mismatches = (await tiersShareCountMismatches(tx)).map(
          (m) =>
            `Tiers n° ${m.tiersId} : nb_parts = ${m.nbParts} dans Gloux, mais ${plural(m.held, 'part détenue', 'parts détenues')} dans parts_sociales.`,
        );
        return {
          appends: [{ streamId: SHARE_CAPITAL_STREAM, expectedVersion: version, events }],
          result: {
            importedOn,
            imported: fresh.length,
            anomalies: fresh.flatMap((s) => legacyShareAnomalies(s, importedOn)),
            mismatches,
          },
        };
      },
    });
    return outcome.result;
  }
}

function resultOf(
  events: readonly ShareEvent[],
  after: ShareCapitalState,
  rules: ShareRules,
): ShareMovementResult {
  const executedRequests = events.flatMap((e) =>
    e.type === 'SharesRedeemed' && e.data.requestId !== null ? [e.data.requestId] : [],
  );
  const base = {
    newNumbers: null,
    requestId: null,
    executedRequests,
    capital: currentCapital(after).toString(),
    floor: capitalFloor(after, rules.statutoryFloor).floor.toString(),
  };
  const first = events[0];
  if (!first) throw new Error('A share movement decided no event');
  switch (first.type) {
    case 'SharesSubscribed':
      return {
        ...base,
        kind: 'subscription',
        tiersId: first.data.tiersId,
        numbers: formatNumberRanges(first.data.numbers),
      };
    case 'SharesPaidUp':
      return {
        ...base,
        kind: 'payment',
        tiersId: first.data.tiersId,
        numbers: formatNumberRanges(first.data.numbers),
      };
    case 'SharesTransferred':
      return {
        ...base,
        kind: 'transfer',
        tiersId: first.data.fromTiersId,
        numbers: formatNumberRanges(first.data.numbers),
        newNumbers: formatNumberRanges(first.data.newNumbers),
      };
    case 'SharesRedeemed':
      return {
        ...base,
        kind: 'redemption',
        tiersId: first.data.tiersId,
        numbers: formatNumberRanges(first.data.numbers),
        executedRequests: executedRequests.filter((r) => r !== first.data.requestId),
      };
    case 'ShareRedemptionQueued':
      return {
        ...base,
        kind: 'queued',
        tiersId: first.data.tiersId,
        numbers: formatNumberRanges(first.data.numbers),
        requestId: first.data.requestId,
      };
    case 'ShareRedemptionWithdrawn':
      return {
        ...base,
        kind: 'withdrawal',
        tiersId: first.data.tiersId,
        numbers: '',
        requestId: first.data.requestId,
      };
    case 'SharesCancelled':
      return {
        ...base,
        kind: 'cancellation',
        tiersId: first.data.tiersId,
        numbers: formatNumberRanges(first.data.numbers),
      };
    case 'LegacySharesImported':
    case 'LegacyShareChanged':
      throw new Error('Gloux’s rows taken in are not a share movement decided here');
    case 'SharePaymentReceived':
      throw new Error('A share payment always follows the SharesPaidUp it pays');
  }
}

@CommandHandler(SubscribeSharesCommand)
export class SubscribeSharesHandler implements ICommandHandler<SubscribeSharesCommand> {
  constructor(@Inject(ShareMovements) private readonly movements: ShareMovements) {}

  execute({ input, actor, idempotencyKey }: SubscribeSharesCommand): Promise<ShareMovementResult> {
    return this.movements.run({
      commandType: 'SubscribeShares',
      input,
      actor,
      idempotencyKey,
      tiersIds: [input?.tiersId],
      numbersNeeded: (state, ctx) => validateSubscribeShares(state, input, ctx).count,
      decide: (state, ctx, numbers) => decideSubscribeShares(state, input, { ...ctx, numbers }),
    });
  }
}

@CommandHandler(TransferSharesCommand)
export class TransferSharesHandler implements ICommandHandler<TransferSharesCommand> {
  constructor(@Inject(ShareMovements) private readonly movements: ShareMovements) {}

  execute({ input, actor, idempotencyKey }: TransferSharesCommand): Promise<ShareMovementResult> {
    return this.movements.run({
      commandType: 'TransferShares',
      input,
      actor,
      idempotencyKey,
      tiersIds: [input?.toTiersId],
      numbersNeeded: (state, ctx) => validateTransferShares(state, input, ctx).shares.length,
      decide: (state, ctx, numbers) => decideTransferShares(state, input, { ...ctx, numbers }),
    });
  }
}

@CommandHandler(PayUpSharesCommand)
export class PayUpSharesHandler implements ICommandHandler<PayUpSharesCommand> {
  constructor(@Inject(ShareMovements) private readonly movements: ShareMovements) {}

  execute({ input, actor, idempotencyKey }: PayUpSharesCommand): Promise<ShareMovementResult> {
    return this.movements.run({
      commandType: 'PayUpShares',
      input,
      actor,
      idempotencyKey,
      tiersIds: [],
      decide: (state, ctx) => decidePayUpShares(state, input, ctx),
    });
  }
}

@CommandHandler(RedeemSharesCommand)
export class RedeemSharesHandler implements ICommandHandler<RedeemSharesCommand> {
  constructor(@Inject(ShareMovements) private readonly movements: ShareMovements) {}

  execute({ input, actor, idempotencyKey }: RedeemSharesCommand): Promise<ShareMovementResult> {
    return this.movements.run({
      commandType: 'RedeemShares',
      input,
      actor,
      idempotencyKey,
      tiersIds: [],
      decide: (state, ctx) => decideRedeemShares(state, input, ctx),
    });
  }
}

@CommandHandler(WithdrawRedemptionCommand)
export class WithdrawRedemptionHandler implements ICommandHandler<WithdrawRedemptionCommand> {
  constructor(@Inject(ShareMovements) private readonly movements: ShareMovements) {}

  execute({
    input,
    actor,
    idempotencyKey,
  }: WithdrawRedemptionCommand): Promise<ShareMovementResult> {
    return this.movements.run({
      commandType: 'WithdrawRedemption',
      input,
      actor,
      idempotencyKey,
      tiersIds: [],
      decide: (state, ctx) => decideWithdrawRedemption(state, input, ctx),
    });
  }
}

@CommandHandler(CancelSharesCommand)
export class CancelSharesHandler implements ICommandHandler<CancelSharesCommand> {
  constructor(@Inject(ShareMovements) private readonly movements: ShareMovements) {}

  execute({ input, actor, idempotencyKey }: CancelSharesCommand): Promise<ShareMovementResult> {
    return this.movements.run({
      commandType: 'CancelShares',
      input,
      actor,
      idempotencyKey,
      tiersIds: [],
      decide: (state, ctx) => decideCancelShares(state, input, ctx),
    });
  }
}

@CommandHandler(ImportLegacySharesCommand)
export class ImportLegacySharesHandler implements ICommandHandler<ImportLegacySharesCommand> {
  constructor(@Inject(ShareMovements) private readonly movements: ShareMovements) {}

  execute({ actor }: ImportLegacySharesCommand): Promise<ImportLegacySharesResult> {
    return this.movements.importLegacy(actor);
  }
}
