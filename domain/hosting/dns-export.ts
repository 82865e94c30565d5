import { absoluteName } from './dns-names.js';
import type { DnsRecordType } from './dns-records.js';

/**
 * A zone in BIND's master-file format, from MyDNS's `soa` and `rr` rows as MyDNS itself reads
 * them (what `mydnsexport --bind` writes): the cooperator's zone preview, the test fixture that
 * `named-checkzone` checks, and the drift check's view of a zone.
 */
export interface SoaRow {
  readonly origin: string;
  readonly ns: string;
  readonly mbox: string;
  readonly serial: number;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
  readonly minimum: number;
  readonly ttl: number;
}

/** An `rr` row as stored (Gloux's own rows too: their names may be FQDNs, their data relative). */
export interface RrRow {
  readonly name: string;
  readonly type: DnsRecordType;
  readonly data: string;
  readonly aux: number;
  readonly ttl: number;
  /** `'Y'` served; `'N'` kept but not served. */
  readonly active?: 'Y' | 'N';
}

/** MyDNS's `mydns_rr_append_origin`: an empty or dotless host gets the origin. */
function host(data: string, origin: string): string {
  if (data === '' || data === '@') return origin;
  return data.endsWith('.') ? data : `${data}.${origin}`;
}

/** TXT data is stored raw; the zone file quotes it and escapes `"` and `\`. */
const quoted = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

function rdata(r: RrRow, origin: string): string {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return r.data;
    case 'CNAME':
    case 'NS':
      return host(r.data, origin);
    case 'MX':
      return `${r.aux} ${host(r.data, origin)}`;
    case 'SRV': {
      const [weight = '0', port = '0', target = ''] = r.data.split(' ');
      return `${r.aux} ${weight} ${port} ${host(target, origin)}`;
    }
    case 'TXT':
      return quoted(r.data);
  }
}

/** The zone file: the SOA, then every served record in a stable order (name, type, data). */
export function exportZone(soa: SoaRow, records: readonly RrRow[]): string {
  const origin = soa.origin;
  const lines = [
    `$ORIGIN ${origin}`,
    `${origin} ${Math.max(soa.ttl, soa.minimum)} IN SOA ${host(soa.ns, origin)} ${host(soa.mbox, origin)} ( ${soa.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minimum} )`,
  ];
  const served = records
    .filter((r) => (r.active ?? 'Y') === 'Y')
    .map((r) => ({ owner: absoluteName(r.name, origin), r }))
    .sort(
      (a, b) =>
        a.owner.localeCompare(b.owner) ||
        a.r.type.localeCompare(b.r.type) ||
        a.r.data.localeCompare(b.r.data),
    );
  for (const { owner, r } of served)
    lines.push(`${owner} ${r.ttl} IN ${r.type} ${rdata(r, origin)}`);
  return `${lines.join('\n')}\n`;
}
