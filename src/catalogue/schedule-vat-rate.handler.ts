import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { VAT_SCHEDULE_STREAM, type VatRateScheduled } from '../../domain/catalogue/events.js';
import {
  decideScheduleVatRate,
  evolveVatSchedule,
  type VatScheduleEntry,
} from '../../domain/catalogue/vat-schedule.js';
import { Clock } from '../kernel/clock.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { readStream } from '../kernel/event-store/event-store.js';
import { ScheduleVatRateCommand, type ScheduleVatRateResult } from './schedule-vat-rate.command.js';

/** Adds a dated entry to the VAT schedule (one stream): issued lines keep their own rate. */
@CommandHandler(ScheduleVatRateCommand)
export class ScheduleVatRateHandler implements ICommandHandler<
  ScheduleVatRateCommand,
  ScheduleVatRateResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: ScheduleVatRateCommand): Promise<ScheduleVatRateResult> {
    const entryId = randomUUID();
    const outcome = await this.pipeline.execute<ScheduleVatRateResult>({
      commandType: 'ScheduleVatRate',
      actor: command.actor,
      now: this.clock.now(),
      idempotencyKey: command.idempotencyKey,
      request: command.input,
      decide: async (tx) => {
        const history = await readStream(tx, VAT_SCHEDULE_STREAM);
        const entries = history.reduce<VatScheduleEntry[]>(
          (s, e) => evolveVatSchedule(s, e as unknown as VatRateScheduled),
          [],
        );
        const events = decideScheduleVatRate(entries, command.input, { entryId });
        const { category, rate, effectiveFrom } = events[0]!.data;
        return {
          appends: [{ streamId: VAT_SCHEDULE_STREAM, expectedVersion: history.length - 1, events }],
          result: { entryId, category, rate, effectiveFrom },
        };
      },
    });
    return outcome.result;
  }
}
