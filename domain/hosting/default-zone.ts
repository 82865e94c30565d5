import type { Day } from '../shared/day.js';
import type { RrRow, SoaRow } from './dns-export.js';
import { originOf } from './dns-names.js';
import { serialFloor } from './zone-serial.js';

/**
 * The zone Gloux creates for a new domain whose DNS it serves, as its sample zones hold it
 * (../shared/gloux/sample-data.sql: Ouvaton's name server and hostmaster, MyDNS's RFC 1537
 * timers, the NS record, and the MX when the domain's mail is hosted here, `gere_mx`). The
 * serial starts at `YYYYMMDD00` of the day (domain/hosting/zone-serial.ts). The web records
 * (A, www) come with the web spaces, not with the domain.
 */
/** The cooperative's own domain of its name and mail servers: no cooperator's domain. */
export const OUVATON_INFRA_DOMAIN = 'ouvaton.coop';
export const OUVATON_NS = `ns1.${OUVATON_INFRA_DOMAIN}.`;
export const OUVATON_MBOX = `hostmaster.${OUVATON_INFRA_DOMAIN}.`;
export const OUVATON_MX = `mx.${OUVATON_INFRA_DOMAIN}.`;
export const OUVATON_MX_PREFERENCE = 10;
/** The TTL of Gloux's NS and MX records in its sample zone. */
export const INFRASTRUCTURE_TTL = 86_400;

export function defaultSoa(domain: string, today: Day): SoaRow {
  return {
    origin: originOf(domain),
    ns: OUVATON_NS,
    mbox: OUVATON_MBOX,
    serial: serialFloor(today),
    refresh: 28_800,
    retry: 7_200,
    expire: 604_800,
    minimum: 86_400,
    ttl: 86_400,
  };
}

export function defaultRecords(manageMx: boolean): readonly RrRow[] {
  const ns: RrRow = { name: '', type: 'NS', data: OUVATON_NS, aux: 0, ttl: INFRASTRUCTURE_TTL };
  if (!manageMx) return [ns];
  return [
    ns,
    {
      name: '',
      type: 'MX',
      data: OUVATON_MX,
      aux: OUVATON_MX_PREFERENCE,
      ttl: INFRASTRUCTURE_TTL,
    },
  ];
}
