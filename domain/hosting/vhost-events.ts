import type { PhpChoice } from './vhosts.js';

/**
 * A web space's settings as the `vhosts` row holds them (`domainId` 0 for a site under the
 * platform domain, as Gloux writes `id_domaine` when no `domaines` row is involved).
 */
export interface VhostSettings {
  readonly aliases: readonly string[];
  readonly php: PhpChoice;
  readonly ssl: boolean;
  /** '' when the site is served, an http(s) URL when it redirects. */
  readonly redirection: string;
  readonly enabled: boolean;
}

export interface VhostCreated {
  readonly type: 'VhostCreated';
  readonly data: VhostSettings & {
    readonly hostingId: number;
    readonly host: string;
    readonly domainId: number;
    /** Relative to the hosting's root (`/monsite.example.org`). */
    readonly folder: string;
  };
}

/** The whole new settings, so a replay of the mirror writes the same row. */
export interface VhostChanged {
  readonly type: 'VhostChanged';
  readonly data: VhostSettings & { readonly hostingId: number; readonly host: string };
}

/** The site is gone; its files are deleted by a job (`folder` says which). */
export interface VhostRemoved {
  readonly type: 'VhostRemoved';
  readonly data: { readonly hostingId: number; readonly host: string; readonly folder: string };
}

export type VhostEvent = VhostCreated | VhostChanged | VhostRemoved;

export const VHOST_EVENT_TYPES: { readonly [T in VhostEvent['type']]: true } = {
  VhostCreated: true,
  VhostChanged: true,
  VhostRemoved: true,
};

export function isVhostEvent(e: { type: string }): e is VhostEvent {
  return Object.hasOwn(VHOST_EVENT_TYPES, e.type);
}
