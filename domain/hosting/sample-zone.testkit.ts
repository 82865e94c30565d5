import type { RrRow, SoaRow } from './dns-export.js';

/** Gloux's sample zone (../shared/gloux/sample-data.sql), as its `soa` and `rr` rows hold it. */
export const SAMPLE_SOA: SoaRow = {
  origin: 'example.org.',
  ns: 'ns1.ouvaton.coop.',
  mbox: 'hostmaster.ouvaton.coop.',
  serial: 2008112001,
  refresh: 28800,
  retry: 7200,
  expire: 604800,
  minimum: 86400,
  ttl: 86400,
};

export const SAMPLE_RECORDS: readonly RrRow[] = [
  { name: '', type: 'NS', data: 'ns1.ouvaton.coop.', aux: 0, ttl: 86400 },
  { name: '', type: 'MX', data: 'mx.ouvaton.coop.', aux: 10, ttl: 86400 },
  { name: '', type: 'A', data: '192.0.2.10', aux: 0, ttl: 3600 },
  { name: 'www', type: 'CNAME', data: 'example.org.', aux: 0, ttl: 3600 },
  { name: 'ftp.example.org.', type: 'A', data: '192.0.2.10', aux: 0, ttl: 3600 },
  { name: '', type: 'TXT', data: 'v=spf1 a mx ~all', aux: 0, ttl: 3600 },
];
