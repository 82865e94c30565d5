import { ConfigError, text, type Env } from './parse.js';

export const HOSTING_CONFIG = Symbol('HOSTING_CONFIG');

/** What a hosting's service is: the daemons' queries decide who is served (HOSTING.md decision 2). */
export type HostingService = 'web' | 'ftp' | 'mail' | 'dns';
export const HOSTING_SERVICES: readonly HostingService[] = ['web', 'ftp', 'mail', 'dns'];

/** Web hosting settings, documented in docs/configuration.md "Web hosting". */
export interface HostingConfig {
  /**
   * SUSPENSION_CUTS: the services a suspended hosting loses (default web,ftp: its mail keeps
   * coming and its DNS keeps answering). A closed hosting loses all of them, whatever this says.
   * Read when `hosting:daemon-config` renders the daemons' queries.
   */
  readonly suspensionCuts: readonly HostingService[];
}

export function loadHostingConfig(env: Env): HostingConfig {
  const listed = text(env, 'SUSPENSION_CUTS', 'web,ftp')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  // "none" keeps everything for a suspended hosting (an empty variable means the default).
  if (listed.length === 1 && listed[0] === 'none') return { suspensionCuts: [] };
  for (const service of listed)
    if (!(HOSTING_SERVICES as readonly string[]).includes(service))
      throw new ConfigError(
        'SUSPENSION_CUTS',
        `must list services among ${HOSTING_SERVICES.join(', ')}, or be none (got ${service})`,
      );
  return {
    suspensionCuts: HOSTING_SERVICES.filter((s) => listed.includes(s)),
  };
}
