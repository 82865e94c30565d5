import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parisDayOf } from '../../domain/shared/day.js';
import { redemptionPayoutStream, type SharePayoutEvent } from '../../domain/shares/events.js';
import {
  decidePayRedemption,
  evolveRedemptionPayout,
  initialRedemptionPayoutState,
} from '../../domain/shares/redemption-payout.js';
import { redemptionPayouts } from '../../projections/shares/shares.queries.js';
import { Clock } from '../kernel/clock.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { readStream } from '../kernel/event-store/event-store.js';
import { PayRedemptionCommand, type PayRedemptionResult } from './shares.commands.js';

@CommandHandler(PayRedemptionCommand)
export class PayRedemptionHandler implements ICommandHandler<
  PayRedemptionCommand,
  PayRedemptionResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: PayRedemptionCommand): Promise<PayRedemptionResult> {
    const redemptionId = String(command.input?.redemptionId ?? '');
    return this.pipeline.run({
      commandType: 'PayRedemption',
      actor: command.actor,
      idempotencyKey: command.idempotencyKey,
      request: command.input,
      now: this.clock.now(),
      decide: async (tx, { now }) => {
        const stream = redemptionPayoutStream(redemptionId);
        const history = (await readStream(tx, stream)) as unknown as SharePayoutEvent[];
        const [redemption] = redemptionId ? await redemptionPayouts(tx, { redemptionId }) : [];
        const event = decidePayRedemption(
          history.reduce(evolveRedemptionPayout, initialRedemptionPayoutState),
          {
            redemption: redemption ?? null,
            on: String(command.input?.on ?? ''),
            method: String(command.input?.method ?? ''),
            reference: command.input?.reference,
          },
          { today: parisDayOf(now), newId: () => randomUUID() },
        );
        const { payoutId, tiersId, amount, on } = event.data;
        return {
          appends: [{ streamId: stream, expectedVersion: history.length - 1, events: [event] }],
          result: { payoutId, redemptionId, tiersId, amount, on },
        };
      },
    });
  }
}
