import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { personEventTypes, personStream, type PersonEvent } from '../../domain/accounts/events.js';
import { decideUpdatePerson, foldPerson, PERSON_FIELDS } from '../../domain/accounts/person.js';
import { DomainError } from '../../domain/shared/errors.js';
import { findCustomer } from '../../legacy-sync/legacy-gateway.js';
import { readTiers } from '../../legacy-sync/legacy-members.js';
import { LegacySyncWorker, mirroredUpTo } from '../../legacy-sync/legacy-sync.worker.js';
import { Clock } from '../kernel/clock.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { readStream } from '../kernel/event-store/event-store.js';
import { isOneOf } from '../kernel/projection.js';
import { UpdatePersonCommand, type UpdatePersonResult } from './update-person.command.js';

const isPersonEvent = isOneOf<PersonEvent>(personEventTypes);

/**
 * Records an admin's edit of a person (`PersonDetailsChanged` on the person's stream), then
 * waits for the mirror to write it into Gloux's `tiers`, so the page shown next, which reads
 * Gloux's row, already holds it.
 */
@CommandHandler(UpdatePersonCommand)
export class UpdatePersonHandler implements ICommandHandler<
  UpdatePersonCommand,
  UpdatePersonResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(LegacySyncWorker) private readonly mirror: LegacySyncWorker,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute({ customerId, input, actor }: UpdatePersonCommand): Promise<UpdatePersonResult> {
    const fields = Object.fromEntries(PERSON_FIELDS.map(([, name]) => [name, input[name]]));
    const outcome = await this.pipeline.execute<UpdatePersonResult>({
      commandType: 'UpdatePerson',
      actor,
      now: this.clock.now(),
      request: { customerId, fields },
      decide: async (tx) => {
        const customer = await findCustomer(tx, customerId);
        if (!customer) throw new DomainError('not_found', 'Adhérent introuvable.', 'customerId');
        const { tiersId } = customer;
        const stream = await readStream(tx, personStream(tiersId));
        // Gloux's row, plus the edits recorded but not yet written to it.
        const mirrored = await mirroredUpTo(tx);
        const pending = stream.filter((e) => e.position > mirrored).filter(isPersonEvent);
        const state = foldPerson(pending, {
          tiersId,
          details: await readTiers(tx, tiersId),
        });
        const events = decideUpdatePerson(state, { customerId, input: fields });
        const version = stream.length === 0 ? -1 : stream[stream.length - 1]!.streamVersion;
        return {
          appends:
            events.length === 0
              ? []
              : [
                  {
                    streamId: personStream(tiersId),
                    expectedVersion: version,
                    events: [...events],
                  },
                ],
          result: {
            customerId,
            tiersId,
            changed: events.flatMap((e) => e.data.changes.map((c) => c.field)),
          },
        };
      },
    });
    if (outcome.events.length > 0) await this.mirror.wake();
    return outcome.result;
  }
}
