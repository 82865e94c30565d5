import type { VhostForm } from '../../../domain/hosting/vhost-inventory.js';

/**
 * Web space commands (issue 18), handled in vhost.handlers.ts. The hosting was already checked
 * as one the actor may manage (HostingAccess): the handlers decide on its stream.
 */

export interface VhostCommandResult {
  readonly hostingId: number;
  readonly host: string;
  /** False when the command changed nothing (an unchanged form). */
  readonly changed: boolean;
}

export class CreateVhostCommand {
  constructor(
    readonly hostingId: number,
    readonly input: VhostForm & { readonly host: string; readonly folder?: string },
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export class ChangeVhostCommand {
  constructor(
    readonly hostingId: number,
    readonly host: string,
    readonly input: VhostForm,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export class RemoveVhostCommand {
  constructor(
    readonly hostingId: number,
    readonly host: string,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}
