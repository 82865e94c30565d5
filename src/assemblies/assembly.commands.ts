import type {
  ConveneAssembly,
  QuorumStatus,
  RecordVote,
} from '../../domain/assemblies/assembly.js';

/** Convenes a general assembly: its rules and its member list are frozen. */
export class ConveneAssemblyCommand {
  constructor(
    readonly input: ConveneAssembly,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface ConveneAssemblyResult {
  assemblyId: string;
  members: number;
}

/** One recording at an assembly; `action` picks the rule that decides it. */
export type AssemblyRecording =
  | { action: 'present'; tiersId: unknown }
  /** holderId empty: a blank proxy. */
  | { action: 'proxy'; tiersId: unknown; holderId?: unknown }
  | { action: 'postal'; tiersId: unknown; receivedOn: unknown; choices?: unknown }
  | { action: 'withdraw'; tiersId: unknown }
  | { action: 'resolution'; text: unknown; byBoard?: unknown }
  | ({ action: 'vote' } & RecordVote)
  | { action: 'close' };

export class RecordAtAssemblyCommand {
  constructor(
    readonly assemblyId: string,
    readonly recording: AssemblyRecording,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface RecordAtAssemblyResult {
  assemblyId: string;
  /** The event recorded (its type). */
  recorded: string;
  /** The live quorum after the recording. */
  quorum: QuorumStatus;
  /** A resolution added or voted. */
  resolutionId?: string;
  adopted?: boolean;
}
