import { defaultRecords, defaultSoa } from '../domain/hosting/default-zone.js';
import type { RrRow } from '../domain/hosting/dns-export.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { insertRecord, insertSoa } from './legacy-zones.js';

/**
 * Demo domains (embedded SQLite demo only), as Gloux holds them: Anne's domain with its zone
 * (Ouvaton's NS and MX, a web address), Jean's IDN (stored as punycode, shown as café-dupont.fr)
 * whose mail is elsewhere (its MX at his provider), and Webcoop's domain whose DNS is served elsewhere (no zone); and
 * the web spaces Gloux serves for them (Anne's site on her domain, Jean's under the platform).
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

/** The mail server of a demo domain whose mail is hosted elsewhere (an RFC 2606 name). */
const DEMO_MX_ELSEWHERE: RrRow = {
  name: '',
  type: 'MX',
  data: 'mx.fai.example.',
  aux: 10,
  ttl: 3600,
};

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
        // Mail hosted elsewhere: the cooperator's own MX, at their internet provider.
        ...(d.manageMx ? [] : [DEMO_MX_ELSEWHERE]),
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

/** Gloux's own web spaces of the demo (vhosts rows as Gloux's pages write them). */
const DEMO_VHOSTS: readonly {
  hostingId: number;
  domain: string | null;
  host: string;
  folder: string;
  aliases: string;
}[] = [
  {
    hostingId: 1,
    domain: 'anne-lefevre.fr',
    host: 'www.anne-lefevre.fr',
    folder: '/www',
    aliases: 'anne-lefevre.fr',
  },
  { hostingId: 4, domain: null, host: 'jdupont.ouvaton.org', folder: '/www', aliases: '' },
];

export async function seedLegacyDemoVhosts(q: Queryable): Promise<void> {
  for (const v of DEMO_VHOSTS) {
    const [domain] = v.domain
      ? await q.query<{ id_domaine: number | string }>(
          'SELECT id_domaine FROM domaines WHERE domaine = ?',
          [v.domain],
        )
      : [];
    await q.execute(
      `INSERT INTO vhosts (id_hebergement, id_domaine, nom_hote, racine, alias, php, \`ssl\`, actif, a_regenerer)
       VALUES (?, ?, ?, ?, ?, '5', '1', 'Y', 0)`,
      [v.hostingId, Number(domain?.id_domaine ?? 0), v.host, v.folder, v.aliases],
    );
  }
}

/**
 * Gloux's own mailboxes of the demo (`mails` rows as Gloux writes them, `$5$` hashes of the
 * passwords `demo-boite-anne` and `demo-boite-atelier`): two boxes on Anne's domain, so the
 * hosting page's "Boîtes mail" section has something to show.
 */
const DEMO_MAILBOXES: readonly {
  hostingId: number;
  address: string;
  hash: string;
  quotaMb: number;
  autoReply: string | null;
}[] = [
  {
    hostingId: 1,
    address: 'anne@anne-lefevre.fr',
    hash: '$5$demoanneboite01$2kQ.AH.sjxwnSjnTcRJ2ZqJbGfdCtc/0oKs2mjaQIPA',
    quotaMb: 1024,
    autoReply: null,
  },
  {
    hostingId: 1,
    address: 'atelier@anne-lefevre.fr',
    hash: '$5$demoboiteatelier$vGJad9kOVKxa5RmOuFXOgvb2BOujayS7e0uqF8bxUo.',
    quotaMb: 200,
    autoReply: 'Merci pour votre message : je vous réponds dès mon retour.',
  },
];

export async function seedLegacyDemoMailboxes(q: Queryable): Promise<void> {
  for (const m of DEMO_MAILBOXES) {
    const [local, domain] = m.address.split('@') as [string, string];
    const [row] = await q.query<{ id_domaine: number | string }>(
      'SELECT id_domaine FROM domaines WHERE domaine = ?',
      [domain],
    );
    await q.execute(
      `INSERT INTO mails (id_hebergement, id_domaine, adresse, mot_de_passe, maildir, quota_mo, repondeur)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        m.hostingId,
        Number(row?.id_domaine ?? 0),
        m.address,
        m.hash,
        `/var/mail/${domain}/${local}/`,
        m.quotaMb,
        m.autoReply,
      ],
    );
  }
}
