import { parseIpv4 } from '../../../domain/hosting/dns-records.js';
import { parseDomainName } from '../../../domain/hosting/dns-names.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { ConfigError, int, raw, text, type Env } from './parse.js';

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
  /**
   * HOSTING_PLATFORM_DOMAIN: the cooperative's domain under which a cooperator may name a web
   * space with one label (`monsite.ouvaton.org`; default ouvaton.org).
   */
  readonly platformDomain: string;
  /**
   * HOSTING_WEB_IPV4: the web servers' address. A new web space under one of the cooperator's
   * domains whose DNS is managed here gets an A record to it, unless the name already has an
   * address or alias record. Unset: no record is written (the cooperator adds their own).
   */
  readonly webIpv4: string | null;
  /** MAIL_DELETION_DAYS: how long a deleted box's mail waits before its purge (default 7). */
  readonly mailDeletionDays: number;
}

/** A setting checked by the domain's own rule, its French reason kept in the message. */
function parsed<T>(name: string, value: string, parse: (v: string) => T): T {
  try {
    return parse(value);
  } catch (error) {
    if (error instanceof DomainError) throw new ConfigError(name, error.message);
    throw error;
  }
}

export function loadHostingConfig(env: Env): HostingConfig {
  const listed = text(env, 'SUSPENSION_CUTS', 'web,ftp')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  // "none" keeps everything for a suspended hosting (an empty variable means the default).
  const platformDomain = parsed(
    'HOSTING_PLATFORM_DOMAIN',
    text(env, 'HOSTING_PLATFORM_DOMAIN', 'ouvaton.org'),
    parseDomainName,
  );
  const ipv4 = raw(env, 'HOSTING_WEB_IPV4');
  const webIpv4 = ipv4 === undefined ? null : parsed('HOSTING_WEB_IPV4', ipv4, parseIpv4);
  const mail = { mailDeletionDays: int(env, 'MAIL_DELETION_DAYS', 7, 1, 365) };
  if (listed.length === 1 && listed[0] === 'none')
    return { suspensionCuts: [], platformDomain, webIpv4, ...mail };
  for (const service of listed)
    if (!(HOSTING_SERVICES as readonly string[]).includes(service))
      throw new ConfigError(
        'SUSPENSION_CUTS',
        `must list services among ${HOSTING_SERVICES.join(', ')}, or be none (got ${service})`,
      );
  return {
    suspensionCuts: HOSTING_SERVICES.filter((s) => listed.includes(s)),
    platformDomain,
    webIpv4,
    ...mail,
  };
}
