/**
 * FTP account events, on the hosting's stream `hosting-<id>` (HOSTING.md decision 1: the seed's
 * three kinds). Released shapes never change: add a new type instead. No event carries a
 * password or a hash (decision 5): the hash waits in the purgeable `g2_hosting_secrets` until
 * the mirror has written it into Gloux's `ftp` row.
 */

/**
 * `master`: the whole hosting (created with it, removed only when it closes); `vhost`: one per
 * web space (created and removed with it); `supplementary`: a subfolder, the only kind a
 * cooperator removes.
 */
export type FtpAccountKind = 'master' | 'vhost' | 'supplementary';

export const FTP_ACCOUNT_KINDS: readonly FtpAccountKind[] = ['master', 'vhost', 'supplementary'];

/** Why an account goes: a cooperator's choice, its web space deleted, the hosting closed. */
export type FtpRemovalReason = 'requested' | 'vhost_removed' | 'hosting_closed';

export interface FtpAccountCreated {
  readonly type: 'FtpAccountCreated';
  readonly data: {
    readonly hostingId: number;
    readonly accountId: string;
    readonly kind: FtpAccountKind;
    readonly login: string;
    /** Relative to the hosting's root, normalised ('' for the root itself). */
    readonly path: string;
    /** The web space of a `vhost` account (its id), null for the other kinds. */
    readonly vhostId: string | null;
    readonly actor: string;
  };
}

/** The new hash is in `g2_hosting_secrets`, never here. */
export interface FtpPasswordChanged {
  readonly type: 'FtpPasswordChanged';
  readonly data: {
    readonly hostingId: number;
    readonly accountId: string;
    readonly login: string;
    readonly actor: string;
  };
}

export interface FtpRootChanged {
  readonly type: 'FtpRootChanged';
  readonly data: {
    readonly hostingId: number;
    readonly accountId: string;
    readonly login: string;
    readonly path: string;
    readonly actor: string;
  };
}

export interface FtpAccountRemoved {
  readonly type: 'FtpAccountRemoved';
  readonly data: {
    readonly hostingId: number;
    readonly accountId: string;
    readonly login: string;
    readonly reason: FtpRemovalReason;
    readonly actor: string;
  };
}

export type FtpEvent = FtpAccountCreated | FtpPasswordChanged | FtpRootChanged | FtpAccountRemoved;

/** Every FTP event type, once (HOSTING_EVENT_TYPES spreads it). */
export const FTP_EVENT_TYPES: { readonly [T in FtpEvent['type']]: true } = {
  FtpAccountCreated: true,
  FtpPasswordChanged: true,
  FtpRootChanged: true,
  FtpAccountRemoved: true,
};

export function isFtpEvent(e: { type: string }): e is FtpEvent {
  return Object.hasOwn(FTP_EVENT_TYPES, e.type);
}
