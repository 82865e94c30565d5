import { randomBytes } from 'node:crypto';
import { customerNumberOf, type SignUp } from '../domain/accounts/sign-up.js';
import { parisDateTimeOf, type Day } from '../domain/shared/day.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { drawCounter } from './legacy-gateway.js';
import { legacyTextParam } from './legacy-text.js';

/** The Gloux rows of a new member: person, customer, login, hosting account. */
export interface LegacyAccountIds {
  readonly tiersId: string;
  readonly customerId: string;
  readonly userId: string;
  readonly hostingId: string;
}

/** Is a login or a hosting name taken in Gloux (its UNIQUE keys, case-insensitive as MySQL's)? */
export async function signUpConflicts(
  q: Queryable,
  login: string,
  hostingName: string,
): Promise<{ login: boolean; hostingName: boolean }> {
  const nocase = q.dialect === 'sqlite' ? ' COLLATE NOCASE' : '';
  const [u] = await q.query(`SELECT 1 AS x FROM utilisateurs WHERE login = ?${nocase} LIMIT 1`, [
    login,
  ]);
  const [h] = await q.query(`SELECT 1 AS x FROM hebergements WHERE nom = ?${nocase} LIMIT 1`, [
    hostingName,
  ]);
  return { login: u !== undefined, hostingName: h !== undefined };
}

/** The first character of the num_client sign-up writes before the real one (Gloux's are digits). */
export const SIGN_UP_PLACEHOLDER = '~';

/** Gloux's DATETIMEs are Paris time (its NOW()): the poll's "created in the last minutes" reads them so. */
const mysqlDateTime = (d: Date) => parisDateTimeOf(d);

/**
 * Writes the rows Gloux's own sign-up form writes: `tiers`, `clients` (num_client AAMMJJ + 7
 * digits), `utilisateurs` (MD5 password, role client), `hebergements` (uid from Gloux's `uid`
 * counter, the plaque chosen, anniversary at the end of the trial). MyISAM: no rollback; the caller records the
 * ids under its idempotency key so a retry never writes them twice.
 */
export async function createLegacyAccount(
  q: Queryable,
  input: { signUp: SignUp; md5: string; openedOn: Day; trialEndsOn: Day; now: Date },
): Promise<LegacyAccountIds> {
  const { signUp: s, now } = input;
  const t = (v: string) => legacyTextParam(v, q.dialect);
  const tiers = await q.execute(
    `INSERT INTO tiers (type_tiers, nom, prenom, raison_sociale, adresse, code_postal, ville, pays, email, societaire, date_creation)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'FR', ?, 'N', ?)`,
    [
      s.kind,
      t(s.lastName),
      t(s.firstName),
      t(s.company),
      t(s.address),
      t(s.postalCode),
      t(s.city),
      t(s.email),
      mysqlDateTime(now),
    ],
  );
  // num_client needs the id: a unique placeholder first, then the number.
  const placeholder = `${SIGN_UP_PLACEHOLDER}${randomBytes(6).toString('hex')}`;
  const client = await q.execute(
    `INSERT INTO clients (num_client, id_tiers, solde, etat, date_ouverture) VALUES (?, ?, 0, 'actif', ?)`,
    [placeholder, tiers.insertId, input.openedOn],
  );
  await q.execute(`UPDATE clients SET num_client = ? WHERE id_client = ?`, [
    customerNumberOf(input.openedOn, client.insertId),
    client.insertId,
  ]);
  const user = await q.execute(
    `INSERT INTO utilisateurs (login, mot_de_passe, id_tiers, id_client, roles, actif, email, cree_le)
     VALUES (?, ?, ?, ?, 'client', 'Y', ?, ?)`,
    [
      t(s.login),
      input.md5,
      tiers.insertId,
      client.insertId,
      t(s.email),
      Math.floor(now.getTime() / 1000),
    ],
  );
  const [counter] = await q.query(`SELECT valeur FROM compteurs WHERE nom = 'uid'`);
  if (!counter) {
    const [max] = await q.query<{ m: number | string | null }>(
      `SELECT MAX(uid) AS m FROM hebergements`,
    );
    await q.execute(`INSERT INTO compteurs (nom, valeur) VALUES ('uid', ?)`, [Number(max?.m ?? 0)]);
  }
  const uid = await drawCounter(q, 'uid');
  const hosting = await q.execute(
    `INSERT INTO hebergements (id_client, nom, uid, id_plaque, serveur, repertoire, date_creation, date_anniversaire, etat)
     VALUES (?, ?, ?, ?, '', ?, ?, ?, 'actif')`,
    [
      client.insertId,
      s.hostingName,
      uid,
      Number(s.planId),
      `/home/${s.hostingName[0]}/${s.hostingName}`,
      mysqlDateTime(now),
      input.trialEndsOn,
    ],
  );
  return {
    tiersId: String(tiers.insertId),
    customerId: String(client.insertId),
    userId: String(user.insertId),
    hostingId: String(hosting.insertId),
  };
}
