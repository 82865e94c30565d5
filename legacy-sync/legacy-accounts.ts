import type { LegacyAccountRow } from '../domain/accounts/account.js';
import { isAccountEvent } from '../domain/accounts/events.js';
import { parisDateTimeOf } from '../domain/shared/day.js';
import type { Queryable, Tx } from '../src/kernel/database/db.js';
import type { RecordedEvent } from '../src/kernel/event-store/event-store.js';
import { legacyDay } from './legacy-rows.js';
import { decodeLegacyText, legacyTextParam, legacyTextSelect } from './legacy-text.js';
import { cutToGlouxColumn } from '../domain/legacy/gloux-columns.js';

/**
 * Hosting-account states in Gloux's tables: read (`hebergements`, for accounts the log does not
 * know yet and to see what G3 did) and mirrored (`hebergements.etat/motif_etat/date_etat`,
 * `clients.etat`), the way Gloux's G3 writes them.
 */

const dayOf = (v: unknown): string | null => {
  const s = String(v ?? '').slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && s !== '0000-00-00' ? s : null;
};

/** A Gloux hosting account as gloux2 reads it, with its creation time as Gloux holds it. */
export interface HostingState extends LegacyAccountRow {
  /** date_creation as Gloux holds it ('YYYY-MM-DD HH:MM:SS'), '' when zero. */
  readonly createdAt: string;
}

type HostingStateRow = Record<string, unknown>;

/** One reading of `hebergements` for every path (poll, lifecycle, drift), so they agree. */
function toRow(r: HostingStateRow): HostingState {
  const created = String(r.date_creation ?? '');
  const etat = String(r.etat ?? '');
  return {
    accountId: String(r.id_hebergement),
    customerId: String(r.id_client),
    name: decodeLegacyText(r.nom as Buffer | string | null).trim(),
    etat: etat === 'suspendu' || etat === 'ferme' ? etat : 'actif',
    motif: decodeLegacyText(r.motif as Buffer | string | null).trim(),
    createdOn: legacyDay(created),
    stateOn: legacyDay(r.date_etat),
    createdAt: created.startsWith('0000') ? '' : created.slice(0, 19),
  };
}

function select(q: Queryable): string {
  const col = (c: string) => (q.dialect === 'mysql' ? `CAST(${c} AS CHAR)` : c);
  return `SELECT id_hebergement, id_client, ${legacyTextSelect('nom', q.dialect)} AS nom, etat,
            ${legacyTextSelect('motif_etat', q.dialect)} AS motif, ${col('date_creation')} AS date_creation,
            ${col('date_etat')} AS date_etat
       FROM hebergements`;
}

/**
 * Every Gloux hosting account (closed ones too), in id order, for the ingestion of Gloux's
 * account states and the drift report.
 */
export async function readHostings(q: Queryable): Promise<HostingState[]> {
  return (await q.query<HostingStateRow>(`${select(q)} ORDER BY id_hebergement`)).map(toRow);
}

/** Every hosting account Gloux has not closed, in id order. */
export async function readOpenLegacyAccounts(q: Queryable): Promise<LegacyAccountRow[]> {
  const rows = await q.query<HostingStateRow>(
    `${select(q)} WHERE etat <> 'ferme' ORDER BY id_hebergement`,
  );
  return rows.map(toRow);
}

/** The hosting accounts of one customer (closed ones too). */
export async function readLegacyAccountsOf(
  q: Queryable,
  customerId: string,
): Promise<LegacyAccountRow[]> {
  if (!/^\d{1,10}$/.test(customerId)) return [];
  const rows = await q.query<HostingStateRow>(
    `${select(q)} WHERE id_client = ? ORDER BY id_hebergement`,
    [Number(customerId)],
  );
  return rows.map(toRow);
}

export async function readLegacyAccount(
  q: Queryable,
  accountId: string,
): Promise<LegacyAccountRow | null> {
  if (!/^\d{1,10}$/.test(accountId)) return null;
  const [row] = await q.query<HostingStateRow>(`${select(q)} WHERE id_hebergement = ?`, [
    Number(accountId),
  ]);
  return row ? toRow(row) : null;
}

/**
 * Writes the account's current state (the accounts read model) into `hebergements`, then the
 * customer's `clients.etat` (suspended while one of its accounts is, closed when all are).
 * Rows already right are left alone, so a replay changes nothing.
 */
export async function mirrorAccountEvent(tx: Tx, event: RecordedEvent): Promise<void> {
  if (!isAccountEvent(event)) return;
  const accountId = (event.data as { accountId: string }).accountId;
  if (!/^\d{1,10}$/.test(accountId)) return;
  const [account] = await tx.query<{ status: string; customer_id: string }>(
    `SELECT status, customer_id FROM g2_rm_accounts WHERE account_id = ?`,
    [accountId],
  );
  if (!account) return;
  const notes = await tx.query<{ note: string }>(
    `SELECT note FROM g2_rm_account_suspensions WHERE account_id = ? ORDER BY since, reason`,
    [accountId],
  );
  const etat =
    account.status === 'closed' ? 'ferme' : account.status === 'suspended' ? 'suspendu' : 'actif';
  const motif =
    etat === 'suspendu'
      ? cutToGlouxColumn(notes.map((n) => n.note).join(', '), 'hebergements.motif_etat')
      : '';
  const at = parisDateTimeOf(new Date(event.recordedAt.replace(' ', 'T') + 'Z'));
  const text = legacyTextParam(motif, tx.dialect);
  await tx.execute(
    `UPDATE hebergements SET etat = ?, motif_etat = ?, date_etat = ?
      WHERE id_hebergement = ? AND (etat <> ? OR motif_etat <> ?)`,
    [etat, text, at, Number(accountId), etat, text],
  );
  const [hosting] = await tx.query<{ id_client: number | string }>(
    `SELECT id_client FROM hebergements WHERE id_hebergement = ?`,
    [Number(accountId)],
  );
  await refreshCustomerState(tx, String(hosting?.id_client ?? account.customer_id), at);
}

/** `clients.etat` from its hosting accounts, as G3 and Gloux's admins keep it. */
export async function refreshCustomerState(tx: Tx, customerId: string, at: string): Promise<void> {
  if (!/^\d{1,10}$/.test(customerId)) return;
  const id = Number(customerId);
  const rows = await tx.query<{ etat: string; n: number | string }>(
    `SELECT etat, COUNT(*) AS n FROM hebergements WHERE id_client = ? GROUP BY etat`,
    [id],
  );
  const count = (etat: string) => Number(rows.find((r) => r.etat === etat)?.n ?? 0);
  if (rows.length === 0) return;
  if (count('suspendu') > 0) {
    await tx.execute(
      `UPDATE clients SET etat = 'suspendu' WHERE id_client = ? AND etat = 'actif'`,
      [id],
    );
  } else if (count('actif') > 0) {
    await tx.execute(
      `UPDATE clients SET etat = 'actif' WHERE id_client = ? AND etat = 'suspendu'`,
      [id],
    );
  } else {
    await tx.execute(
      `UPDATE clients SET etat = 'ferme', date_fermeture = ? WHERE id_client = ? AND etat <> 'ferme'`,
      [at.slice(0, 10), id],
    );
  }
}

/**
 * Invoices Gloux issued itself, still unpaid there and not (yet) in the log: they count as
 * owed for suspensions and reactivations until the ingestion of Gloux's writes brings them in
 * (one in g2_legacy_map or g2_legacy_ingested is the log's, read from its read model instead).
 */
export async function readGlouxOnlyOpenInvoices(
  q: Queryable,
  customerIds?: readonly string[],
): Promise<
  {
    customerId: string;
    invoiceId: string;
    number: string;
    issuedOn: string;
    dueOn: string;
    total: string;
    left: string;
  }[]
> {
  const ids = customerIds
    ? [...new Set(customerIds)].filter((id) => /^\d{1,10}$/.test(id)).map(Number)
    : null;
  if (ids && ids.length === 0) return [];
  const money = (col: string) =>
    q.dialect === 'mysql' ? `CAST(${col} AS DECIMAL(12,2))` : `printf('%.2f', ${col})`;
  const rows = await q.query<{
    id_facture: number | string;
    id_client: number | string;
    numero: string;
    date_facture: unknown;
    date_echeance: unknown;
    total: unknown;
    reste: unknown;
  }>(
    `SELECT f.id_facture, f.id_client, f.numero, f.date_facture, f.date_echeance,
            ${money('f.total_ttc')} AS total, ${money('f.total_ttc - f.montant_regle')} AS reste
       FROM factures f
      WHERE f.statut = 'emise' AND f.type_facture = 'facture' AND f.total_ttc > 0 AND f.total_ttc > f.montant_regle
        AND f.date_echeance <> '0000-00-00'
        AND NOT EXISTS (SELECT 1 FROM g2_legacy_map m WHERE m.kind = 'invoice' AND m.legacy_id = f.id_facture)
        AND NOT EXISTS (SELECT 1 FROM g2_legacy_ingested g WHERE g.source_table = 'factures' AND g.legacy_id = f.id_facture)
        ${ids ? `AND f.id_client IN (${ids.map(() => '?').join(', ')})` : ''}
      ORDER BY f.date_echeance, f.id_facture`,
    ids ?? [],
  );
  return rows.map((r) => ({
    customerId: String(r.id_client),
    invoiceId: `gloux-${r.id_facture}`,
    number: r.numero,
    issuedOn: dayOf(r.date_facture) ?? '0000-00-00',
    dueOn: dayOf(r.date_echeance) ?? '0000-00-00',
    total: String(r.total),
    left: String(r.reste),
  }));
}
