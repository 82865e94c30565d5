import { foldText } from '../domain/shared/text.js';
import type { PersonEvent, PersonField } from '../domain/accounts/events.js';
import { PERSON_FIELDS, type PersonDetails } from '../domain/accounts/person.js';
import type { Queryable, Tx } from '../src/kernel/database/db.js';
import { findCustomers, type LegacyCustomer } from './legacy-gateway.js';
import { legacyDay } from './legacy-rows.js';
import { decodeLegacyText, legacyTextParam, legacyTextSelect } from './legacy-text.js';

/** Gloux's members for the admin list: a person (tiers), its customer accounts and logins. */
export interface LegacyMemberRow {
  customerId: string;
  customerNumber: string;
  tiersId: string;
  name: string;
  email: string;
  state: string;
  logins: string[];
}

/**
 * Customers whose name, e-mail, num_client or login contains `search` (accents and case
 * ignored). Gloux's text is decoded in code (latin1 columns holding UTF-8), so the filter runs
 * here, over at most `limit` matches.
 */
export async function searchMembers(
  q: Queryable,
  search: string,
  limit = 200,
  state?: 'actif' | 'suspendu' | 'ferme',
): Promise<LegacyMemberRow[]> {
  const t = (c: string) => `${legacyTextSelect(c, q.dialect)} AS ${c.split('.')[1]}`;
  const rows = await q.query<Record<string, unknown>>(
    `SELECT c.id_client, c.num_client, c.etat, c.id_tiers, ${t('t.nom')}, ${t('t.prenom')},
            ${t('t.raison_sociale')}, ${t('t.email')}
       FROM clients c LEFT JOIN tiers t ON t.id_tiers = c.id_tiers
      ${state ? 'WHERE c.etat = ?' : ''} ORDER BY c.id_client`,
    state ? [state] : [],
  );
  const users = await q.query<{
    login: unknown;
    id_client: number | string;
    id_tiers: number | string;
  }>(
    `SELECT ${legacyTextSelect('login', q.dialect)} AS login, id_client, id_tiers FROM utilisateurs`,
  );
  const needle = foldText(search.trim());
  const text = (v: unknown) => decodeLegacyText(v as Buffer | string | null);
  // Logins indexed once by customer and by tiers: a scan per customer is quadratic.
  const byClient = new Map<string, number[]>();
  const byTiers = new Map<string, number[]>();
  const index = (m: Map<string, number[]>, key: string, i: number) =>
    m.set(key, [...(m.get(key) ?? []), i]);
  users.forEach((u, i) => {
    index(byClient, String(u.id_client), i);
    if (Number(u.id_tiers) > 0) index(byTiers, String(u.id_tiers), i);
  });
  const out: LegacyMemberRow[] = [];
  for (const r of rows) {
    const company = text(r.raison_sociale).trim();
    const name =
      company || `${text(r.prenom)} ${text(r.nom)}`.trim() || `Client n° ${String(r.num_client)}`;
    // In Gloux's order, as the filter over every login gave them.
    const mine = new Set([
      ...(byClient.get(String(r.id_client)) ?? []),
      ...(byTiers.get(String(r.id_tiers)) ?? []),
    ]);
    const logins = [...mine].sort((a, b) => a - b).map((i) => text(users[i]!.login));
    const member: LegacyMemberRow = {
      customerId: String(r.id_client),
      customerNumber: String(r.num_client),
      tiersId: String(r.id_tiers),
      name,
      email: text(r.email),
      state: String(r.etat),
      logins,
    };
    const haystack = foldText([name, member.email, member.customerNumber, ...logins].join(' '));
    if (needle === '' || haystack.includes(needle)) out.push(member);
    if (out.length >= limit) break;
  }
  return out;
}

/** Gloux's `tiers` column of each field the person form edits. */
const TIERS_COLUMNS = PERSON_FIELDS.map(
  ([field, , , column]) => [field, column.slice('tiers.'.length)] as const,
);

export async function readTiers(q: Queryable, tiersId: string): Promise<PersonDetails | null> {
  if (!/^\d{1,10}$/.test(tiersId)) return null;
  const [r] = await q.query<Record<string, unknown>>(
    `SELECT ${TIERS_COLUMNS.map(([, c]) => `${legacyTextSelect(c, q.dialect)} AS ${c}`).join(', ')} FROM tiers WHERE id_tiers = ?`,
    [Number(tiersId)],
  );
  if (!r) return null;
  return Object.fromEntries(
    TIERS_COLUMNS.map(([field, c]) => [field, decodeLegacyText(r[c] as Buffer | string | null)]),
  ) as Record<PersonField, string>;
}

/** Writes fields of a person into Gloux's `tiers` (UTF-8 bytes, as Gloux's pages write them). */
export async function writeTiers(
  q: Queryable,
  tiersId: string,
  f: Partial<PersonDetails>,
): Promise<void> {
  const set = TIERS_COLUMNS.filter(([field]) => f[field] !== undefined);
  if (set.length === 0) return;
  await q.execute(
    `UPDATE tiers SET ${set.map(([, c]) => `${c} = ?`).join(', ')} WHERE id_tiers = ?`,
    [...set.map(([field]) => legacyTextParam(f[field]!, q.dialect)), Number(tiersId)],
  );
}

/**
 * Writes an admin's edit (PersonDetailsChanged) into `tiers`: each field Gloux still holds as
 * it was when the edit was decided. A field Gloux changed since keeps Gloux's value (its pages
 * edit `tiers` too: the later edit wins), and one already written is left alone, so a replay
 * after a crash or a mirror catching up late never undoes what Gloux did meanwhile.
 */
export async function mirrorPersonEvent(tx: Tx, event: PersonEvent): Promise<void> {
  switch (event.type) {
    case 'PersonDetailsChanged': {
      const { tiersId, changes } = event.data;
      const current = await readTiers(tx, tiersId);
      if (!current) return; // Gloux no longer holds the person: nothing to write to
      const due = changes.filter((c) => current[c.field] === c.from);
      await writeTiers(tx, tiersId, Object.fromEntries(due.map((c) => [c.field, c.to])));
      return;
    }
  }
}

/** The logins of a person or customer (for the member page and password changes). */
export async function loginsOf(
  q: Queryable,
  tiersId: string,
  customerId: string,
): Promise<{ userId: string; login: string; roles: string; active: boolean }[]> {
  const rows = await q.query<{
    id_utilisateur: number;
    login: unknown;
    roles: unknown;
    actif: string;
  }>(
    `SELECT id_utilisateur, ${legacyTextSelect('login', q.dialect)} AS login, roles, actif FROM utilisateurs
      WHERE (id_tiers = ? AND id_tiers <> 0) OR id_client = ? ORDER BY id_utilisateur`,
    [Number(tiersId), Number(customerId)],
  );
  return rows.map((r) => ({
    userId: String(r.id_utilisateur),
    login: decodeLegacyText(r.login as Buffer | string | null),
    roles: String(decodeLegacyText(r.roles as Buffer | string | null)),
    active: r.actif === 'Y',
  }));
}

/** A hosting account as the member page lists it. */
export interface LegacyHostingRow {
  hostingId: string;
  name: string;
  /** The renewal day, null when Gloux holds a zero date. */
  anniversary: string | null;
  state: 'actif' | 'suspendu' | 'ferme';
}

/**
 * The person's customer accounts (those of `tiersId`, and `customerId` itself when the person is
 * unknown), each with its hosting accounts, closed ones included: the member page gathers them.
 */
export async function accountsOfPerson(
  q: Queryable,
  tiersId: string,
  customerId: string,
): Promise<(LegacyCustomer & { hostings: LegacyHostingRow[] })[]> {
  const ids = await q.query<{ id_client: number | string }>(
    `SELECT id_client FROM clients WHERE (id_tiers = ? AND id_tiers <> 0) OR id_client = ?
      ORDER BY id_client`,
    [Number(tiersId) || 0, Number(customerId)],
  );
  const customers = await findCustomers(
    q,
    ids.map((r) => String(r.id_client)),
  );
  if (customers.length === 0) return [];
  const col = (c: string) => (q.dialect === 'mysql' ? `CAST(${c} AS CHAR)` : c);
  const rows = await q.query<{
    id_hebergement: number | string;
    id_client: number | string;
    nom: unknown;
    anniversaire: unknown;
    etat: unknown;
  }>(
    `SELECT id_hebergement, id_client, ${legacyTextSelect('nom', q.dialect)} AS nom,
            ${col('date_anniversaire')} AS anniversaire, etat
       FROM hebergements WHERE id_client IN (${customers.map(() => '?').join(', ')})
      ORDER BY id_hebergement`,
    customers.map((c) => Number(c.customerId)),
  );
  return customers
    .sort((a, b) => Number(a.customerId) - Number(b.customerId))
    .map((c) => ({
      ...c,
      hostings: rows
        .filter((r) => String(r.id_client) === c.customerId)
        .map((r) => {
          const etat = String(r.etat ?? '');
          return {
            hostingId: String(r.id_hebergement),
            name: decodeLegacyText(r.nom as Buffer | string | null).trim(),
            anniversary: legacyDay(r.anniversaire),
            state: etat === 'suspendu' || etat === 'ferme' ? etat : 'actif',
          };
        }),
    }));
}

/** A member proposed by the staff's search as you type (a person and, if any, one account). */
export interface MemberSuggestion extends Omit<LegacyMemberRow, 'logins'> {
  /** The login that matched the search, if it was a login. ('' customerId: no account.) */
  login: string;
}

/** LIKE's wildcards and its escape character ('!': the same in MySQL and SQLite), escaped. */
export const likePrefix = (s: string) => `${s.replace(/[!%_]/g, (c) => `!${c}`)}%`;

/**
 * Members for the staff's search as you type: a prefix of the surname, of the e-mail, of the
 * customer number or of a login, or the tiers number itself — each looked up through one of
 * Gloux's indexes (tiers.nom, tiers.email, clients.num_client, utilisateurs.login, the primary
 * key), `limit` rows at most each, so the answer costs the same with 50 000 members as with 5.
 * MySQL's latin1 collation ignores case for ASCII; a needle with accents is compared as the
 * UTF-8 bytes Gloux stores.
 */
export async function suggestMembers(
  q: Queryable,
  search: string,
  limit = 10,
): Promise<MemberSuggestion[]> {
  const needle = search.trim().slice(0, 100);
  const digits = /^\d{1,13}$/.test(needle);
  if (needle.length < 2 && !digits) return [];
  const ascii = (text: string) => /^[\x20-\x7e]*$/.test(text);
  const pattern = (text: string) =>
    ascii(text) ? likePrefix(text) : legacyTextParam(likePrefix(text), q.dialect);
  const like = (table: string, column: string, key: string, text = needle) =>
    q.query<Record<string, unknown>>(
      `SELECT ${key} FROM ${table} WHERE ${column} LIKE ? ESCAPE '!' LIMIT ${limit}`,
      [pattern(text)],
    );
  const tiers = new Set<string>();
  const clients = new Set<string>();
  const logins = new Map<string, string>();
  // 'anne lef': each word may be the surname's start; the filter at the end wants them all.
  const words = needle.split(/\s+/).filter((w) => w.length >= 2);
  // Bytes compare with their case: 'lefè' is also tried as Gloux writes names, 'Lefè'.
  const capital = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  const starts = [needle, ...words.slice(0, 3)].flatMap((w) => (ascii(w) ? [w] : [w, capital(w)]));
  for (const word of new Set(starts))
    for (const r of await like('tiers', 'nom', 'id_tiers', word)) tiers.add(String(r.id_tiers));
  // A company's name has no index in Gloux: this prefix scan stops at `limit` matches.
  for (const r of await like('tiers', 'raison_sociale', 'id_tiers')) tiers.add(String(r.id_tiers));
  if (!digits)
    for (const r of await like('tiers', 'email', 'id_tiers')) tiers.add(String(r.id_tiers));
  if (digits) {
    for (const r of await like('clients', 'num_client', 'id_client'))
      clients.add(String(r.id_client));
    if (needle.length <= 10) tiers.add(String(Number(needle)));
  }
  const users = await q.query<{ login: unknown; id_client: unknown; id_tiers: unknown }>(
    `SELECT ${legacyTextSelect('login', q.dialect)} AS login, id_client, id_tiers FROM utilisateurs
      WHERE login LIKE ? ESCAPE '!' LIMIT ${limit}`,
    [pattern(needle)],
  );
  for (const u of users) {
    const login = decodeLegacyText(u.login as Buffer | string | null);
    if (Number(u.id_client) > 0) {
      clients.add(String(u.id_client));
      logins.set(`c${String(u.id_client)}`, login);
    } else if (Number(u.id_tiers) > 0) {
      tiers.add(String(u.id_tiers));
      logins.set(`t${String(u.id_tiers)}`, login);
    }
  }
  // The accounts found lead to their person (primary key), so one query by id_tiers follows.
  if (clients.size > 0) {
    const owners = await q.query<{ id_tiers: unknown }>(
      `SELECT id_tiers FROM clients WHERE id_client IN (${[...clients].map(() => '?').join(', ')})`,
      [...clients].map(Number),
    );
    for (const o of owners) tiers.add(String(o.id_tiers));
  }
  if (tiers.size === 0) return [];
  const t = (c: string) => `${legacyTextSelect(c, q.dialect)} AS ${c.split('.')[1]}`;
  // From tiers: a person with no account is still an associate the share forms may name.
  const rows = await q.query<Record<string, unknown>>(
    `SELECT t.id_tiers, c.id_client, c.num_client, c.etat, ${t('t.nom')}, ${t('t.prenom')},
            ${t('t.raison_sociale')}, ${t('t.email')}
       FROM tiers t LEFT JOIN clients c ON c.id_tiers = t.id_tiers
      WHERE t.id_tiers IN (${[...tiers].map(() => '?').join(', ')})
      LIMIT ${limit * 4}`,
    [...tiers].map(Number),
  );
  const text = (v: unknown) => decodeLegacyText(v as Buffer | string | null);
  const wanted = foldText(needle).split(/\s+/);
  const found = rows.map((r): MemberSuggestion => {
    const customerId = r.id_client === null || r.id_client === undefined ? '' : String(r.id_client);
    const tiersId = String(r.id_tiers);
    const name =
      text(r.raison_sociale).trim() ||
      `${text(r.prenom)} ${text(r.nom)}`.trim() ||
      (customerId ? `Client n° ${String(r.num_client)}` : `Tiers n° ${tiersId}`);
    return {
      customerId,
      customerNumber: customerId ? String(r.num_client) : '',
      tiersId,
      name,
      email: text(r.email),
      state: customerId ? String(r.etat) : '',
      login: logins.get(`c${customerId}`) ?? logins.get(`t${tiersId}`) ?? '',
    };
  });
  return found
    .filter((m) => {
      const haystack = foldText([m.name, m.email, m.customerNumber, m.tiersId, m.login].join(' '));
      return wanted.every((w) => haystack.includes(w));
    })
    .sort(
      (a, b) =>
        a.name.localeCompare(b.name, 'fr') ||
        Number(a.tiersId) - Number(b.tiersId) ||
        Number(a.customerId) - Number(b.customerId),
    )
    .slice(0, limit);
}
