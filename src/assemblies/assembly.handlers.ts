import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideAddResolution,
  decideCloseAssembly,
  decideConveneAssembly,
  decideMarkPresent,
  decideRecordPostalVote,
  decideRecordProxy,
  decideRecordVote,
  decideWithdrawAttendance,
  evolveAssembly,
  parseConvocation,
  quorumStatus,
  foldAssembly,
  type AssemblyState,
} from '../../domain/assemblies/assembly.js';
import {
  assemblyStream,
  type AssemblyEvent,
  type VotingMember,
} from '../../domain/assemblies/events.js';
import type { AssemblyRules } from '../../domain/assemblies/rules.js';
import type { Day } from '../../domain/shared/day.js';
import { DomainError } from '../../domain/shared/errors.js';
import { membersWithVotingRights } from '../../projections/shares/shares.queries.js';
import { isId, type Loaded } from '../billing/billing-streams.js';
import { Clock } from '../kernel/clock.js';
import type { Queryable } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { readStream } from '../kernel/event-store/event-store.js';
import { ASSEMBLY_RULES } from '../kernel/config.js';
import {
  ConveneAssemblyCommand,
  RecordAtAssemblyCommand,
  type AssemblyRecording,
  type ConveneAssemblyResult,
  type RecordAtAssemblyResult,
} from './assembly.commands.js';

/** The assembly's state from its stream (an unknown or malformed id: never convened). */
export async function loadAssembly(
  q: Queryable,
  assemblyId: string,
): Promise<Loaded<AssemblyState>> {
  if (!isId(assemblyId)) return { state: foldAssembly(String(assemblyId), []), version: -1 };
  const history = await readStream(q, assemblyStream(assemblyId));
  return {
    state: foldAssembly(
      assemblyId,
      history.map((e) => e as unknown as AssemblyEvent),
    ),
    version: history.length - 1,
  };
}

@CommandHandler(ConveneAssemblyCommand)
export class ConveneAssemblyHandler implements ICommandHandler<
  ConveneAssemblyCommand,
  ConveneAssemblyResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(ASSEMBLY_RULES) private readonly rules: AssemblyRules,
  ) {}

  async execute(command: ConveneAssemblyCommand): Promise<ConveneAssemblyResult> {
    const now = this.clock.now();
    const today = this.clock.today();
    const convocation = parseConvocation(command.input ?? {}, today, this.rules);
    const assemblyId = randomUUID();
    const resolutionIds = convocation.agenda.map(() => randomUUID());
    const outcome = await this.pipeline.execute<ConveneAssemblyResult>({
      commandType: 'ConveneAssembly',
      actor: command.actor,
      now,
      idempotencyKey: command.idempotencyKey,
      request: command.input,
      decide: async (tx) => {
        // Read in the command's transaction: the list is the register as it stands now.
        const members: VotingMember[] = await membersWithVotingRights(tx, convocation.listOn);
        const events = decideConveneAssembly(foldAssembly(assemblyId, []), convocation, {
          today,
          rules: this.rules,
          members,
          resolutionIds,
        });
        return {
          appends: [{ streamId: assemblyStream(assemblyId), expectedVersion: -1, events }],
          result: { assemblyId, members: members.length },
        };
      },
    });
    return outcome.result;
  }
}

function decideRecording(
  state: AssemblyState,
  r: AssemblyRecording,
  ctx: { today: Day; resolutionId: string },
): readonly AssemblyEvent[] {
  switch (r.action) {
    case 'present':
      return decideMarkPresent(state, r, ctx);
    case 'proxy':
      return decideRecordProxy(state, r, ctx);
    case 'postal':
      return decideRecordPostalVote(state, r, ctx);
    case 'withdraw':
      return decideWithdrawAttendance(state, r, ctx);
    case 'resolution':
      return decideAddResolution(state, r, ctx);
    case 'vote':
      return decideRecordVote(state, r, ctx);
    case 'close':
      return decideCloseAssembly(state, r, ctx);
  }
}

const ACTIONS: readonly AssemblyRecording['action'][] = [
  'present',
  'proxy',
  'postal',
  'withdraw',
  'resolution',
  'vote',
  'close',
];

/** Every recording at an assembly, serialised on its stream (a member is counted once). */
@CommandHandler(RecordAtAssemblyCommand)
export class RecordAtAssemblyHandler implements ICommandHandler<
  RecordAtAssemblyCommand,
  RecordAtAssemblyResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: RecordAtAssemblyCommand): Promise<RecordAtAssemblyResult> {
    const { assemblyId, recording } = command;
    if (!ACTIONS.includes(recording?.action)) {
      throw new DomainError('invalid_input', 'Opération inconnue.', 'action');
    }
    const now = this.clock.now();
    const today = this.clock.today();
    const resolutionId = randomUUID();
    const outcome = await this.pipeline.execute<RecordAtAssemblyResult>({
      commandType: `Assembly.${recording.action}`,
      actor: command.actor,
      now,
      idempotencyKey: command.idempotencyKey,
      request: { assemblyId, ...recording },
      decide: async (tx) => {
        const loaded = await loadAssembly(tx, assemblyId);
        const events = decideRecording(loaded.state, recording, { today, resolutionId });
        const after = events.reduce(evolveAssembly, loaded.state);
        // Every assembly decision is one event: the answer describes it.
        const event = events[events.length - 1]!;
        return {
          appends: [
            { streamId: assemblyStream(assemblyId), expectedVersion: loaded.version, events },
          ],
          result: {
            assemblyId,
            recorded: event.type,
            quorum: quorumStatus(after),
            ...(event.type === 'ResolutionAdded' ? { resolutionId: event.data.resolutionId } : {}),
            ...(event.type === 'ResolutionVoted'
              ? { resolutionId: event.data.resolutionId, adopted: event.data.adopted }
              : {}),
          },
        };
      },
    });
    return outcome.result;
  }
}
