import { defaultRecords, defaultSoa } from '../domain/hosting/default-zone.js';
import type { RrRow } from '../domain/hosting/dns-export.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { insertRecord, insertSoa } from './legacy-zones.js';

/**
 * Demo domains (embedded SQLite demo only), as Gloux holds them: Anne's domain with its zone
 * (Ouvaton's NS and MX, a web address), Jean's IDN (stored as punycode, shown as café-dupont.fr)
 * whose mail is elsewhere, and Webcoop's domain whose DNS is served elsewhere (no zone).
 */
const DEMO_DOMAINS: readonly {
  hostingId: number;
  domain: string;
  manageDns: boolean;
  manageMx: boolean;
  addedOn: string;
}[] = [
  {
    hostingId: 1,
    domain: 'anne-lefevre.fr',
    manageDns: true,
    manageMx: true,
    addedOn: '2020-09-15',
  },
  {
    hostingId: 4,
    domain: 'xn--caf-dupont-d7a.fr',
    manageDns: true,
    manageMx: false,
    addedOn: '2021-12-01',
  },
  { hostingId: 3, domain: 'webcoop.fr', manageDns: false, manageMx: true, addedOn: '2005-01-15' },
];

/** The documentation address (RFC 5737) the demo zones point their web names at. */
const DEMO_WEB_IPV4 = '192.0.2.10';

export async function seedLegacyDemoDomains(q: Queryable): Promise<void> {
  for (const d of DEMO_DOMAINS) {
    let soaId = 0;
    if (d.manageDns) {
      const soa = defaultSoa(d.domain, d.addedOn);
      soaId = await insertSoa(q, soa);
      const records: RrRow[] = [
        ...defaultRecords(d.manageMx),
        { name: '', type: 'A', data: DEMO_WEB_IPV4, aux: 0, ttl: 3600 },
        { name: 'www', type: 'CNAME', data: soa.origin, aux: 0, ttl: 3600 },
      ];
      for (const r of records) await insertRecord(q, soaId, r);
    }
    await q.execute(
      `INSERT INTO domaines (domaine, id_hebergement, id_soa, gere_dns, gere_mx, date_ajout) VALUES (?, ?, ?, ?, ?, ?)`,
      [
        d.domain,
        d.hostingId,
        soaId,
        d.manageDns ? 'O' : 'N',
        d.manageMx ? 'O' : 'N',
        `${d.addedOn} 10:00:00`,
      ],
    );
  }
}
