import type { Queryable } from '../src/kernel/database/db.js';
import { likePrefix, suggestMembers } from './legacy-members.js';
import { decodeLegacyText, legacyTextSelect } from './legacy-text.js';

/**
 * The staff's list of every hosting (`/admin/hebergements`): one page of Gloux's
 * `hebergements`, with its holder, disk, mailboxes and sites, filtered and ordered in SQL so a
 * page costs the same with 5,000 hostings as with 5. A search finds a hosting by the start of
 * its name, of one of its domains, or by its holder (the members' search as you type).
 */
export type HostingListColumn =
  'hebergement' | 'adherent' | 'etat' | 'serveur' | 'disque' | 'boites';

export interface HostingListQuery {
  readonly search: string;
  readonly state: 'actif' | 'suspendu' | 'ferme' | null;
  readonly sort: { readonly column: HostingListColumn; readonly order: 'asc' | 'desc' };
  readonly offset: number;
  readonly limit: number;
}

export interface HostingListRow {
  readonly hostingId: number;
  readonly name: string;
  readonly state: string;
  readonly server: string;
  /** '' when Gloux's row names no customer account. */
  readonly customerId: string;
  readonly holder: string;
  readonly diskUsedMb: number;
  readonly diskQuotaMb: number;
  readonly mailboxes: number;
  /** `hebergements.nb_mails`: the plan's boxes plus the options bought (an allowance). */
  readonly mailboxAllowance: number;
  readonly sites: number;
}

/** Each column's SQL, whitelisted: a request's column name never reaches SQL. */
const ORDER_BY: Readonly<Record<HostingListColumn, string>> = {
  hebergement: 'h.nom',
  adherent: 'holder_sort',
  etat: 'h.etat',
  serveur: 'h.serveur',
  // The share of the quota used (a hosting without a quota last, whatever it uses).
  disque:
    'CASE WHEN h.quota_disque_mo = 0 THEN -1 ELSE h.disque_utilise_mo * 1.0 / h.quota_disque_mo END',
  boites: 'boxes',
};

export async function listHostings(
  q: Queryable,
  query: HostingListQuery,
): Promise<{ total: number; rows: HostingListRow[] }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.state) {
    where.push('h.etat = ?');
    params.push(query.state);
  }
  const needle = query.search.trim().toLowerCase();
  if (needle !== '') {
    const any: string[] = [];
    // Hosting names and domains are ASCII (punycode): a needle with other characters finds
    // holders only.
    if (/^[\x20-\x7e]+$/.test(needle)) {
      any.push(`h.nom LIKE ? ESCAPE '!'`);
      params.push(likePrefix(needle));
      any.push(
        `h.id_hebergement IN (SELECT d.id_hebergement FROM domaines d WHERE d.domaine LIKE ? ESCAPE '!')`,
      );
      params.push(likePrefix(needle));
    }
    const customers = (await suggestMembers(q, query.search, 20))
      .map((m) => Number(m.customerId))
      .filter((id) => id > 0);
    if (customers.length > 0) {
      any.push(`h.id_client IN (${customers.map(() => '?').join(', ')})`);
      params.push(...customers);
    }
    where.push(any.length > 0 ? `(${any.join(' OR ')})` : '1 = 0');
  }
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const [count] = await q.query<{ n: number | string }>(
    `SELECT COUNT(*) AS n FROM hebergements h ${filter}`,
    params,
  );
  const t = (c: string) => `${legacyTextSelect(`t.${c}`, q.dialect)} AS ${c}`;
  const direction = query.sort.order === 'desc' ? 'DESC' : 'ASC';
  const rows = await q.query<Record<string, unknown>>(
    `SELECT h.id_hebergement, ${legacyTextSelect('h.nom', q.dialect)} AS hosting_name, h.etat,
            ${legacyTextSelect('h.serveur', q.dialect)} AS serveur, h.id_client,
            h.quota_disque_mo, h.disque_utilise_mo, h.nb_mails,
            ${t('nom')}, ${t('prenom')}, ${t('raison_sociale')},
            COALESCE(NULLIF(t.raison_sociale, ''), t.nom, '') AS holder_sort,
            (SELECT COUNT(*) FROM mails m WHERE m.id_hebergement = h.id_hebergement) AS boxes,
            (SELECT COUNT(*) FROM vhosts v WHERE v.id_hebergement = h.id_hebergement) AS sites
       FROM hebergements h
       LEFT JOIN clients c ON c.id_client = h.id_client
       LEFT JOIN tiers t ON t.id_tiers = c.id_tiers
       ${filter}
      ORDER BY ${ORDER_BY[query.sort.column]} ${direction}, h.id_hebergement
      LIMIT ${Math.max(1, Math.trunc(query.limit))} OFFSET ${Math.max(0, Math.trunc(query.offset))}`,
    params,
  );
  const text = (v: unknown) => decodeLegacyText(v as Buffer | string | null);
  return {
    total: Number(count?.n ?? 0),
    rows: rows.map((r) => {
      const customerId = Number(r.id_client) > 0 ? String(r.id_client) : '';
      const holder =
        text(r.raison_sociale).trim() ||
        `${text(r.prenom)} ${text(r.nom)}`.trim() ||
        (customerId ? `Client n° ${customerId}` : '');
      return {
        hostingId: Number(r.id_hebergement),
        name: text(r.hosting_name),
        state: String(r.etat),
        server: text(r.serveur),
        customerId,
        holder,
        diskUsedMb: Number(r.disque_utilise_mo),
        diskQuotaMb: Number(r.quota_disque_mo),
        mailboxes: Number(r.boxes),
        mailboxAllowance: Number(r.nb_mails),
        sites: Number(r.sites),
      };
    }),
  };
}
