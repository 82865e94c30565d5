import type { HostingNameKind } from '../domain/hosting/hosting-names.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { decodeLegacyText, legacyTextSelect } from './legacy-text.js';

/**
 * What gloux2 reads of Gloux's hosting inventory (`hebergements`, `domaines`, and who uses a
 * domain: `vhosts`, `mails`): the truth of which hosting holds what, since Gloux's tables stay
 * what the daemons read (HOSTING.md, decision 6). Names are ASCII (punycode); `nom` goes through
 * the legacy text coercion like every Gloux text column.
 */

export type HostingState = 'actif' | 'suspendu' | 'ferme';

export interface LegacyHosting {
  readonly hostingId: number;
  /** hebergements.nom: the system login, also the master FTP login. */
  readonly name: string;
  /** clients.id_client holding it (null: none). */
  readonly customerId: string | null;
  readonly state: HostingState;
  /** hebergements.repertoire: the hosting's root ('' when Gloux left it empty). */
  readonly directory: string;
  readonly uid: number;
  readonly server: string;
}

export interface LegacyDomain {
  readonly domainId: number;
  readonly hostingId: number;
  /** domaines.domaine: A-labels, no trailing dot. */
  readonly domain: string;
  /** domaines.id_soa (null: 0, the DNS is not served here). */
  readonly soaId: number | null;
  readonly manageDns: boolean;
  readonly manageMx: boolean;
}

interface HostingRow {
  id_hebergement: number | string;
  nom: unknown;
  id_client: number | string;
  etat: string;
  repertoire: unknown;
  uid: number | string;
  serveur: unknown;
  [k: string]: unknown;
}

const text = (v: unknown) => decodeLegacyText(v as Buffer | string | null);

function hostingSelect(q: Queryable): string {
  return `SELECT h.id_hebergement, ${legacyTextSelect('h.nom', q.dialect)} AS nom, h.id_client, h.etat,
      ${legacyTextSelect('h.repertoire', q.dialect)} AS repertoire, h.uid, ${legacyTextSelect('h.serveur', q.dialect)} AS serveur
    FROM hebergements h`;
}

function toHosting(r: HostingRow): LegacyHosting {
  const customer = Number(r.id_client);
  return {
    hostingId: Number(r.id_hebergement),
    name: text(r.nom),
    customerId: customer > 0 ? String(customer) : null,
    state: r.etat as HostingState,
    directory: text(r.repertoire),
    uid: Number(r.uid),
    server: text(r.serveur),
  };
}

const isId = (id: string) => /^\d{1,10}$/.test(id);

export async function hostingById(q: Queryable, hostingId: string): Promise<LegacyHosting | null> {
  if (!isId(hostingId)) return null;
  const [row] = await q.query<HostingRow>(`${hostingSelect(q)} WHERE h.id_hebergement = ?`, [
    Number(hostingId),
  ]);
  return row ? toHosting(row) : null;
}

/** A hosting by its name (`hebergements.nom`, UNIQUE), as the CLI names it. */
export async function hostingByName(q: Queryable, name: string): Promise<LegacyHosting | null> {
  if (name === '' || name.length > 32) return null;
  const [row] = await q.query<HostingRow>(`${hostingSelect(q)} WHERE h.nom = ?`, [name]);
  return row ? toHosting(row) : null;
}

/** The hostings of these customer accounts, by name. */
export async function inventoryHostingsOf(
  q: Queryable,
  customerIds: readonly string[],
): Promise<LegacyHosting[]> {
  const ids = customerIds.filter(isId).map(Number);
  if (ids.length === 0) return [];
  const rows = await q.query<HostingRow>(
    `${hostingSelect(q)} WHERE h.id_client IN (${ids.map(() => '?').join(', ')}) ORDER BY h.nom, h.id_hebergement`,
    ids,
  );
  return rows.map(toHosting);
}

interface DomainRow {
  id_domaine: number | string;
  id_hebergement: number | string;
  domaine: unknown;
  id_soa: number | string;
  gere_dns: string;
  gere_mx: string;
  [k: string]: unknown;
}

function domainSelect(q: Queryable): string {
  return `SELECT d.id_domaine, d.id_hebergement, ${legacyTextSelect('d.domaine', q.dialect)} AS domaine, d.id_soa, d.gere_dns, d.gere_mx
    FROM domaines d`;
}

function toDomain(r: DomainRow): LegacyDomain {
  const soa = Number(r.id_soa);
  return {
    domainId: Number(r.id_domaine),
    hostingId: Number(r.id_hebergement),
    domain: text(r.domaine),
    soaId: soa > 0 ? soa : null,
    manageDns: r.gere_dns === 'O',
    manageMx: r.gere_mx === 'O',
  };
}

/** The domains of a hosting, by name. */
export async function domainsOfHosting(q: Queryable, hostingId: number): Promise<LegacyDomain[]> {
  const rows = await q.query<DomainRow>(
    `${domainSelect(q)} WHERE d.id_hebergement = ? ORDER BY d.domaine`,
    [hostingId],
  );
  return rows.map(toDomain);
}

/** A domain by its name (`domaines.domaine`, UNIQUE), whichever hosting holds it. */
export async function domainByName(q: Queryable, domain: string): Promise<LegacyDomain | null> {
  const [row] = await q.query<DomainRow>(`${domainSelect(q)} WHERE d.domaine = ?`, [domain]);
  return row ? toDomain(row) : null;
}

/** Gloux's table and UNIQUE column of each kind of hosting name. */
const GLOUX_NAME_COLUMN: { readonly [K in HostingNameKind]: readonly [string, string] } = {
  domain: ['domaines', 'domaine'],
  ftp_login: ['ftp', 'login'],
  vhost: ['vhosts', 'nom_hote'],
  mailbox: ['mails', 'adresse'],
  database: ['bases_mysql', 'nom_base'],
  redirection: ['mails_redirections', 'source'],
};

/**
 * The hosting holding a name in Gloux's own table (null: free there). Checked before the claim
 * in `g2_hosting_names`; Gloux's UNIQUE keys are case-insensitive on MySQL, as this lookup.
 */
export async function nameTakenInGloux(
  q: Queryable,
  kind: HostingNameKind,
  name: string,
): Promise<{ hostingId: number } | null> {
  const [table, column] = GLOUX_NAME_COLUMN[kind];
  const where = q.dialect === 'mysql' ? `${column} = ?` : `${column} = ? COLLATE NOCASE`;
  const [row] = await q.query<{ id_hebergement: number | string }>(
    `SELECT id_hebergement FROM ${table} WHERE ${where} LIMIT 1`,
    [name],
  );
  return row ? { hostingId: Number(row.id_hebergement) } : null;
}

/**
 * What still uses a domain: web spaces on it or under it, mailboxes and redirections at it,
 * in Gloux's rows and in the names gloux2 has claimed but the mirror has not written yet.
 */
export interface DomainUsers {
  readonly vhosts: readonly string[];
  readonly mailboxes: readonly string[];
  readonly redirections: readonly string[];
}

export async function usersOfDomain(
  q: Queryable,
  domain: Pick<LegacyDomain, 'domainId' | 'domain'>,
): Promise<DomainUsers> {
  const suffix = `%.${domain.domain}`;
  const vhosts = await q.query<{ nom_hote: unknown }>(
    `SELECT ${legacyTextSelect('nom_hote', q.dialect)} AS nom_hote FROM vhosts
      WHERE id_domaine = ? OR nom_hote = ? OR nom_hote LIKE ? ORDER BY nom_hote`,
    [domain.domainId, domain.domain, suffix],
  );
  const mails = await q.query<{ adresse: unknown }>(
    `SELECT ${legacyTextSelect('adresse', q.dialect)} AS adresse FROM mails
      WHERE id_domaine = ? OR adresse LIKE ? ORDER BY adresse`,
    [domain.domainId, `%@${domain.domain}`],
  );
  const redirections = await q.query<{ source: unknown }>(
    `SELECT ${legacyTextSelect('source', q.dialect)} AS source FROM mails_redirections
      WHERE source LIKE ? ORDER BY source`,
    [`%@${domain.domain}`],
  );
  // Names gloux2 has claimed whose rows the mirror has not written yet (seconds after commit).
  const claimed = await q.query<{ kind: string; name: string }>(
    `SELECT kind, name FROM g2_hosting_names
      WHERE (kind = 'vhost' AND (name = ? OR name LIKE ?))
         OR (kind IN ('mailbox', 'redirection') AND name LIKE ?)`,
    [domain.domain, suffix, `%@${domain.domain}`],
  );
  const claimedOf = (kind: string) => claimed.filter((c) => c.kind === kind).map((c) => c.name);
  const sorted = (names: string[]) => [...new Set(names)].sort();
  return {
    vhosts: sorted([...vhosts.map((r) => text(r.nom_hote)), ...claimedOf('vhost')]),
    mailboxes: sorted([...mails.map((r) => text(r.adresse)), ...claimedOf('mailbox')]),
    redirections: sorted([...redirections.map((r) => text(r.source)), ...claimedOf('redirection')]),
  };
}
