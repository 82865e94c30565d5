import type { DnsRecordInput } from '../../../domain/hosting/dns-records.js';
import type { DnsRecordKey } from '../../../domain/hosting/zone.js';
import type { AuthUser } from '../../auth/auth-user.js';

/**
 * The DNS record commands of a domain's zone (`domain`: `domaines.domaine`, as typed: Unicode
 * or A-labels). A cooperator edits the zones of their own hostings' domains; staff, any.
 */
export class AddDnsRecordCommand {
  constructor(
    readonly user: AuthUser,
    readonly domain: string,
    readonly input: DnsRecordInput,
  ) {}
}

/** `current` names the record as listed (or typed); `input` is what replaces it. */
export class ChangeDnsRecordCommand {
  constructor(
    readonly user: AuthUser,
    readonly domain: string,
    readonly current: DnsRecordKey,
    readonly input: DnsRecordInput,
  ) {}
}

export class RemoveDnsRecordCommand {
  constructor(
    readonly user: AuthUser,
    readonly domain: string,
    readonly record: DnsRecordKey,
  ) {}
}

export interface DnsChangeResult {
  /** `domaines.domaine` (A-labels). */
  readonly domain: string;
  readonly soaId: number;
  /** Events recorded (0: the change changed nothing). */
  readonly recorded: number;
}
