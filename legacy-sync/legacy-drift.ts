import { hostingNameDrift } from './legacy-hosting-drift.js';
import { centsOf, fromCents } from '../domain/shared/cents.js';
import type { Queryable, Tx } from '../src/kernel/database/db.js';
import { parisDateTimeOf } from '../domain/shared/day.js';
import { readStream } from '../src/kernel/event-store/event-store.js';
import { glouxStateOf } from '../domain/legacy/gloux-accounts.js';
import { accountStreams } from './legacy-account-states.js';
import { readHostings, refreshCustomerState } from './legacy-accounts.js';
import { decimalSelect, legacyDay, legacyUuid, readLegacyLines } from './legacy-rows.js';
import { Dec } from '../domain/shared/money.js';
import { customerNumberOf } from '../domain/accounts/sign-up.js';
import { SIGN_UP_PLACEHOLDER } from './legacy-sign-up.js';
import { applyBalanceDelta, mirrorEvent, refreshInvoiceSettlement } from './legacy-mirror.js';
import { INCOMPLETE_LINES } from '../domain/legacy/gloux-ingest.js';
import { plural, pluralWord } from '../domain/shared/plural.js';
import { refreshTiersShares, writeShares } from './legacy-shares-mirror.js';
import { SHARE_COUNTER } from './legacy-shares.js';
import { numberOf } from './legacy-number-gaps.js';
import { drawsInProgress } from '../src/kernel/event-store/number-gaps.js';

/**
 * The drift report: every row where Gloux's tables and gloux2's read models disagree (Gloux
 * README point 6), by comparing both sides in the same database — invoices (presence, total,
 * montant_regle, statut, and each line's label, net and VAT rate), payments (presence, amount, etat), customer balances (clients.solde
 * FLOAT, to the cent), shares (parts_sociales.etat) and members (tiers.nb_parts, societaire).
 *
 * `owner` says who holds the truth: 'gloux2' for what the mirror writes (Gloux's denormalised
 * columns, rows of gloux2's own events), which `legacy:repair` re-mirrors from the log;
 * 'gloux' for what only a person can settle (a row Gloux wrote that gloux2 could not import,
 * an invoice cancelled in Gloux without a credit note…).
 */

export type DriftArea =
  | 'facture'
  | 'paiement'
  | 'solde'
  | 'part'
  | 'tiers'
  | 'compte'
  | 'numero'
  | 'client'
  | 'hebergement';

export interface Drift {
  readonly area: DriftArea;
  /** Gloux's id of the row (id_facture, id_paiement, id_client, numero, id_tiers). */
  readonly legacyId: string;
  /** What the row is, for people: 'F2026-000012', 'paiement n° 501', 'client n° 2'… */
  readonly label: string;
  readonly field: string;
  readonly gloux: string;
  readonly gloux2: string;
  readonly owner: 'gloux2' | 'gloux';
  /** What legacy:repair does for it (null: nothing it can do). */
  readonly repair: Repair | null;
}

export type Repair =
  | { readonly kind: 'settlement'; readonly idFacture: number }
  | {
      readonly kind: 'balance';
      readonly customerId: string;
      /** clients.solde when the report read it, in cents. */
      readonly seen: string;
      /** Cents of gloux2's journaled writes not on it then. */
      readonly pending: string;
      /** Cents legacy:repair adds once gloux2's journal is applied (what nothing else explains). */
      readonly add: string;
    }
  | { readonly kind: 'share'; readonly number: number; readonly tiersIds: string[] }
  | { readonly kind: 'tiers'; readonly tiersId: string }
  | { readonly kind: 'remirror'; readonly streamId: string }
  | { readonly kind: 'account'; readonly hostingId: number; readonly state: string }
  | {
      readonly kind: 'customer-number';
      readonly customerId: number;
      readonly placeholder: string;
      readonly number: string;
    }
  | {
      readonly kind: 'gap';
      readonly counter: string;
      readonly value: number;
      readonly number: string;
    };

const STATUT: Record<string, string> = { issued: 'emise', paid: 'payee', cancelled: 'annulee' };

const cents = (v: unknown): string => fromCents(v);

const big = (v: unknown) => BigInt(String(v ?? 0).split('.')[0] || '0');

function money(v: unknown): string {
  return fromCents(centsOf(v).toString());
}

async function invoiceDrift(q: Queryable): Promise<Drift[]> {
  const out: Drift[] = [];
  const rows = await q.query<Record<string, unknown>>(
    `SELECT f.id_facture, f.numero, f.statut, f.type_facture, ${decimalSelect('f.total_ttc', q)} AS total_ttc,
            ${decimalSelect('f.montant_regle', q)} AS montant_regle, m.g2_id, r.total_cents, r.paid_cents, r.credited_cents,
            r.status, r.kind, (SELECT COUNT(*) FROM g2_legacy_issues i WHERE i.source_table = 'factures' AND i.legacy_id = f.id_facture AND i.blocking = 1) AS blocked
       FROM factures f
       LEFT JOIN g2_legacy_map m ON m.kind IN ('invoice', 'credit_note') AND m.legacy_id = f.id_facture
       LEFT JOIN g2_rm_invoices r ON r.invoice_id = m.g2_id
      WHERE f.statut <> 'brouillon' ORDER BY f.id_facture`,
  );
  for (const r of rows) {
    const idFacture = Number(r.id_facture);
    const label = String(r.numero || `facture n° ${idFacture}`);
    const base = { area: 'facture' as const, legacyId: String(idFacture), label };
    if (r.g2_id === null || r.g2_id === undefined || r.status === null || r.status === undefined) {
      out.push({
        ...base,
        field: 'présence',
        gloux: `${r.type_facture} ${r.statut}`,
        gloux2: Number(r.blocked) > 0 ? 'non importée (voir le rapport d’import)' : 'absente',
        owner: 'gloux',
        repair: null,
      });
      continue;
    }
    const total = big(r.total_cents);
    const abs = (c: bigint) => (c < 0n ? -c : c);
    // gloux2 holds a credit note as negative; an avoir Gloux wrote positive is the same credit.
    const same =
      r.kind === 'credit_note'
        ? abs(centsOf(r.total_ttc)) === abs(total)
        : centsOf(r.total_ttc) === total;
    if (!same) {
      out.push({
        ...base,
        field: 'total_ttc',
        gloux: money(r.total_ttc),
        gloux2: cents(total),
        owner: 'gloux',
        repair: null,
      });
    }
    if (r.kind === 'credit_note') continue;
    // What Gloux counts as settled: payments allocated plus what credit notes imputed.
    const settled = big(r.paid_cents) + big(r.credited_cents);
    if (centsOf(r.montant_regle) !== settled) {
      out.push({
        ...base,
        field: 'montant_regle',
        gloux: money(r.montant_regle),
        gloux2: cents(settled),
        owner: 'gloux2',
        repair: { kind: 'settlement', idFacture },
      });
    }
    const expected = STATUT[String(r.status)] ?? String(r.status);
    if (r.statut !== expected) {
      // An invoice cancelled by hand in Gloux needs a credit note (docs/accounting.md §1): gloux2
      // keeps it due and the import report says so; the rest is the mirror's.
      const byHand = r.statut === 'annulee';
      out.push({
        ...base,
        field: 'statut',
        gloux: String(r.statut),
        gloux2: byHand ? `${expected} (annulée sans avoir : à régler par un avoir)` : expected,
        owner: byHand ? 'gloux' : 'gloux2',
        repair: byHand ? null : { kind: 'settlement', idFacture },
      });
    }
  }
  // gloux2's documents that have no Gloux row (not mirrored, or the row was deleted).
  const missing = await q.query<{
    invoice_id: string;
    number: string;
    kind: string;
    origin_invoice_id: string | null;
  }>(
    `SELECT r.invoice_id, r.number, r.kind, r.origin_invoice_id FROM g2_rm_invoices r
      WHERE NOT EXISTS (SELECT 1 FROM g2_legacy_map m JOIN factures f ON f.id_facture = m.legacy_id
                         WHERE m.kind IN ('invoice', 'credit_note') AND m.g2_id = r.invoice_id)
      ORDER BY r.number`,
  );
  for (const m of missing) {
    out.push({
      area: 'facture',
      legacyId: '',
      label: m.number,
      field: 'présence',
      gloux: 'absente',
      gloux2: m.kind === 'credit_note' ? 'avoir' : 'facture',
      owner: 'gloux2',
      repair: {
        kind: 'remirror',
        // A credit note lives on its invoice's stream.
        streamId: `invoice-${m.kind === 'credit_note' ? m.origin_invoice_id : m.invoice_id}`,
      },
    });
  }
  return out;
}

/** Invoices compared line by line per query (two reads of each side per chunk). */
const LINE_CHUNK = 500;

/**
 * Each invoice's lines on both sides: a line whose label, net (montant_ht, to the cent) or VAT
 * rate differs, or that one side lacks, is named. Lines pair by gloux2's map (its own invoices)
 * or by the Gloux line id they were taken from; the 0 % rounding line gloux2 adds to a Gloux
 * invoice has no Gloux row and is left out. A Gloux invoice's lines are Gloux's: a difference
 * is taken in at the next poll as a correction, or waits for a person (the import report).
 */
async function lineDrift(q: Queryable): Promise<Drift[]> {
  const out: Drift[] = [];
  const invoices = await q.query<{
    legacy_id: unknown;
    g2_id: string;
    number: string;
    own: unknown;
  }>(
    `SELECT m.legacy_id, m.g2_id, r.number,
            (SELECT COUNT(*) FROM g2_legacy_ingested g WHERE g.source_table = 'factures' AND g.legacy_id = m.legacy_id) AS own
       FROM g2_legacy_map m JOIN g2_rm_invoices r ON r.invoice_id = m.g2_id
      WHERE m.kind = 'invoice' ORDER BY m.legacy_id`,
  );
  for (let i = 0; i < invoices.length; i += LINE_CHUNK) {
    const chunk = invoices.slice(i, i + LINE_CHUNK);
    const ids = chunk.map((c) => Number(c.legacy_id));
    const glouxLines = await readLegacyLines(q, ids);
    const mapped = new Map<number, string>();
    for (let k = 0; k < glouxLines.length; k += LINE_CHUNK) {
      const part = glouxLines.slice(k, k + LINE_CHUNK).map((l) => l.id);
      for (const m of await q.query<{ g2_id: string; legacy_id: unknown }>(
        `SELECT g2_id, legacy_id FROM g2_legacy_map WHERE kind = 'invoice_line' AND legacy_id IN (${part.map(() => '?').join(', ')})`,
        part,
      ))
        mapped.set(Number(m.legacy_id), m.g2_id);
    }
    const mine = await q.query<{
      invoice_id: string;
      line_id: string;
      label: string;
      net_cents: unknown;
      vat_rate: string;
    }>(
      `SELECT invoice_id, line_id, label, net_cents, vat_rate FROM g2_rm_invoice_lines
        WHERE invoice_id IN (${chunk.map(() => '?').join(', ')}) ORDER BY invoice_id, line_no`,
      chunk.map((c) => c.g2_id),
    );
    for (const c of chunk) {
      const idFacture = Number(c.legacy_id);
      const fromGloux = Number(c.own) > 0;
      const theirs = glouxLines.filter((l) => l.invoiceId === idFacture);
      const adjustment = legacyUuid('facture-ajustement', idFacture);
      const ours = new Map(
        mine
          .filter((l) => l.invoice_id === c.g2_id && l.line_id !== adjustment)
          .map((l) => [l.line_id, l]),
      );
      const base = {
        area: 'facture' as const,
        legacyId: String(idFacture),
        label: c.number,
        owner: fromGloux ? ('gloux' as const) : ('gloux2' as const),
        repair: null,
      };
      const rate = (v: string) => new Dec(v).toString();
      for (const l of theirs) {
        const lineId = mapped.get(l.id) ?? legacyUuid('ligne', l.id);
        const o = ours.get(lineId);
        ours.delete(lineId);
        const what = `ligne n° ${l.id}`;
        if (!o) {
          out.push({ ...base, field: what, gloux: `${l.label} ${l.net}`, gloux2: 'absente' });
          continue;
        }
        const label = l.label || '(sans libellé)';
        if (label !== o.label.trim())
          out.push({ ...base, field: `${what} libellé`, gloux: label, gloux2: o.label });
        if (centsOf(l.net) !== big(o.net_cents))
          out.push({
            ...base,
            field: `${what} montant_ht`,
            gloux: l.net,
            gloux2: cents(o.net_cents),
          });
        if (rate(l.vatRate) !== rate(o.vat_rate))
          out.push({
            ...base,
            field: `${what} taux_tva`,
            gloux: rate(l.vatRate),
            gloux2: rate(o.vat_rate),
          });
      }
      for (const o of ours.values())
        out.push({
          ...base,
          field: 'ligne',
          gloux: 'absente',
          gloux2: `${o.label} ${cents(o.net_cents)}`,
        });
    }
  }
  return out;
}

/** A reversal Gloux made (etat 'rejete' / 'rembourse'), not one gloux2 wrote as a row of its own. */
const NOT_MIRRORED = `NOT EXISTS (SELECT 1 FROM g2_legacy_map mr WHERE mr.kind = 'payment' AND mr.g2_id = rv.reversal_id)`;

async function paymentDrift(q: Queryable): Promise<Drift[]> {
  const out: Drift[] = [];
  const amount =
    q.dialect === 'mysql'
      ? 'CAST(ROUND(p.montant, 2) AS DECIMAL(14,2))'
      : "printf('%.2f', p.montant)";
  const rows = await q.query<Record<string, unknown>>(
    `SELECT p.id_paiement, p.etat, ${amount} AS montant, m.g2_id, g.legacy_id AS ingested, r.amount_cents, r.status,
            (SELECT COALESCE(SUM(rv.amount_cents), 0) FROM g2_rm_payment_reversals rv WHERE rv.payment_id = r.payment_id AND ${NOT_MIRRORED}) AS gloux_reversed,
            (SELECT COUNT(*) FROM g2_rm_payment_reversals rv WHERE rv.payment_id = r.payment_id AND rv.kind = 'bounced' AND ${NOT_MIRRORED}) AS gloux_bounced,
            (SELECT COUNT(*) FROM g2_legacy_issues i WHERE i.source_table = 'paiements' AND i.legacy_id = p.id_paiement AND i.blocking = 1) AS blocked
       FROM paiements p
       LEFT JOIN g2_legacy_map m ON m.kind = 'payment' AND m.legacy_id = p.id_paiement
       LEFT JOIN g2_legacy_ingested g ON g.source_table = 'paiements' AND g.legacy_id = p.id_paiement
       LEFT JOIN g2_rm_payments r ON r.payment_id = m.g2_id
      ORDER BY p.id_paiement`,
  );
  for (const r of rows) {
    const id = String(r.id_paiement);
    const base = { area: 'paiement' as const, legacyId: id, label: `paiement n° ${id}` };
    if (r.g2_id === null || r.g2_id === undefined) {
      if (r.etat === 'attente') continue; // not money yet
      out.push({
        ...base,
        field: 'présence',
        gloux: `${money(r.montant)} ${r.etat}`,
        gloux2: Number(r.blocked) > 0 ? 'non importé (voir le rapport d’import)' : 'absent',
        owner: 'gloux',
        repair: null,
      });
      continue;
    }
    // Rows gloux2 wrote for a reversal, a credit note or credit use have no payment of their own.
    if (r.status === null || r.status === undefined) continue;
    if (centsOf(r.montant) !== big(r.amount_cents)) {
      out.push({
        ...base,
        field: 'montant',
        gloux: money(r.montant),
        gloux2: cents(r.amount_cents),
        owner: 'gloux',
        repair: null,
      });
    }
    if (r.ingested !== null && r.ingested !== undefined) {
      // A reversal gloux2 recorded is written into Gloux as a negative row and leaves the
      // payment's etat alone (G6 would count it twice); one Gloux made is its etat.
      const g2State =
        Number(r.gloux_bounced) > 0
          ? 'rejete'
          : big(r.gloux_reversed) >= big(r.amount_cents) && big(r.amount_cents) > 0n
            ? 'rembourse'
            : 'valide';
      if (r.etat !== g2State && !(r.etat === 'attente' && g2State === 'valide')) {
        out.push({
          ...base,
          field: 'etat',
          gloux: String(r.etat),
          gloux2: g2State,
          owner: 'gloux',
          repair: null,
        });
      }
    }
  }
  const missing = await q.query<{ payment_id: string; amount_cents: unknown }>(
    `SELECT r.payment_id, r.amount_cents FROM g2_rm_payments r
      WHERE NOT EXISTS (SELECT 1 FROM g2_legacy_map m JOIN paiements p ON p.id_paiement = m.legacy_id
                         WHERE m.kind = 'payment' AND m.g2_id = r.payment_id)
      ORDER BY r.position`,
  );
  for (const m of missing) {
    out.push({
      area: 'paiement',
      legacyId: '',
      label: `paiement ${m.payment_id}`,
      field: 'présence',
      gloux: 'absent',
      gloux2: cents(m.amount_cents),
      owner: 'gloux2',
      repair: { kind: 'remirror', streamId: `payment-${m.payment_id}` },
    });
  }
  return out;
}

/** A FLOAT/DECIMAL money column of Gloux's, rounded to the cent, as a decimal string. */
function moneySelect(column: string, q: Queryable): string {
  return q.dialect === 'mysql'
    ? `CAST(ROUND(${column}, 2) AS DECIMAL(14,2))`
    : `printf('%.2f', ${column})`;
}

/** What moved one customer's clients.solde that gloux2's balance does not hold (yet). */
interface BalanceCauses {
  /** Gloux's documents and payments not taken in: Gloux's forms moved the balance for them. */
  untaken: bigint;
  untakenLabels: string[];
  /** Invoices Gloux is still writing: whether its page lowered the balance yet is unknown. */
  writing: string[];
  /** gloux2's own relative writes journaled but not on the balance yet (a crash between). */
  pending: bigint;
  /**
   * What Gloux's payments taken in pay of neither invoices nor shares: Gloux's form added the
   * whole payment to the balance (G9), so it holds that as the customer's credit.
   */
  held: bigint;
}

async function balanceCauses(q: Queryable): Promise<Map<string, BalanceCauses>> {
  const out = new Map<string, BalanceCauses>();
  const of = (id: unknown) => {
    const key = String(id);
    let c = out.get(key);
    if (!c)
      out.set(key, (c = { untaken: 0n, untakenLabels: [], writing: [], pending: 0n, held: 0n }));
    return c;
  };
  const documents = await q.query<{
    id_client: unknown;
    id_facture: unknown;
    numero: string;
    type_facture: string;
    total: unknown;
    line_count: unknown;
    incomplete: unknown;
  }>(
    `SELECT f.id_client, f.id_facture, f.numero, f.type_facture, ${moneySelect('f.total_ttc', q)} AS total,
            (SELECT COUNT(*) FROM factures_lignes l WHERE l.id_facture = f.id_facture) AS line_count,
            (SELECT COUNT(*) FROM g2_legacy_issues i WHERE i.source_table = 'factures' AND i.legacy_id = f.id_facture
                AND i.code = '${INCOMPLETE_LINES}') AS incomplete
       FROM factures f
      WHERE f.statut <> 'brouillon' AND (f.type_facture = 'avoir' OR f.statut IN ('emise', 'payee'))
        AND NOT EXISTS (SELECT 1 FROM g2_legacy_map m WHERE m.kind IN ('invoice', 'credit_note') AND m.legacy_id = f.id_facture)
      ORDER BY f.id_facture`,
  );
  for (const d of documents) {
    const c = of(d.id_client);
    const label = String(d.numero || `facture n° ${String(d.id_facture)}`);
    if (d.type_facture !== 'avoir' && (Number(d.line_count) === 0 || Number(d.incomplete) > 0)) {
      c.writing.push(label);
      continue;
    }
    const total = centsOf(d.total);
    const abs = total < 0n ? -total : total;
    // An invoice lowered the balance, an avoir (written negative, or positive) raised it.
    c.untaken += d.type_facture === 'avoir' ? abs : -abs;
    c.untakenLabels.push(`${d.type_facture === 'avoir' ? 'avoir' : 'facture'} ${label}`);
  }
  const payments = await q.query<{ id_client: unknown; id_paiement: unknown; montant: unknown }>(
    `SELECT p.id_client, p.id_paiement, ${moneySelect('p.montant', q)} AS montant FROM paiements p
      WHERE p.etat = 'valide'
        AND NOT EXISTS (SELECT 1 FROM g2_legacy_map m WHERE m.kind = 'payment' AND m.legacy_id = p.id_paiement)
      ORDER BY p.id_paiement`,
  );
  for (const p of payments) {
    const c = of(p.id_client);
    c.untaken += centsOf(p.montant);
    c.untakenLabels.push(`paiement n° ${String(p.id_paiement)}`);
  }
  const sumOf = (sql: string) => moneySelect(`COALESCE((${sql}), 0)`, q);
  for (const p of await q.query<{
    id_client: unknown;
    montant: unknown;
    paid: unknown;
    shares: unknown;
  }>(
    `SELECT p.id_client, ${moneySelect('p.montant', q)} AS montant,
            ${sumOf('SELECT SUM(pf.montant) FROM paiements_factures pf WHERE pf.id_paiement = p.id_paiement')} AS paid,
            ${sumOf('SELECT SUM(ps.valeur_nominale) FROM parts_sociales ps WHERE ps.id_paiement = p.id_paiement')} AS shares
       FROM paiements p
      WHERE p.etat = 'valide'
        AND EXISTS (SELECT 1 FROM g2_legacy_ingested g WHERE g.source_table = 'paiements' AND g.legacy_id = p.id_paiement)`,
  )) {
    // Never below nothing: shares or allocations beyond the payment do not lower the balance.
    const left = centsOf(p.montant) - centsOf(p.paid) - centsOf(p.shares);
    if (left > 0n) of(p.id_client).held += left;
  }
  for (const r of await q.query<{ id_client: unknown; s: unknown }>(
    `SELECT id_client, SUM(amount_cents) AS s FROM g2_legacy_balance_deltas WHERE applied = 0 GROUP BY id_client`,
  ))
    of(r.id_client).pending += big(r.s);
  return out;
}

/**
 * clients.solde against gloux2's balance of the customer (what its invoices still ask, less its
 * credit). A difference is split by who settles it: what Gloux moved for rows gloux2 could not
 * take in (or is waiting to: an invoice still being written) is Gloux's to settle; gloux2's own
 * writes journaled but not applied, and anything else, are gloux2's, which legacy:repair adds to
 * the balance relatively (never rewriting it, so a Gloux write meanwhile is not lost).
 */
async function balanceDrift(q: Queryable): Promise<Drift[]> {
  const clients = await q.query<{ id_client: unknown; solde: unknown }>(
    `SELECT c.id_client, ${moneySelect('c.solde', q)} AS solde FROM clients c ORDER BY c.id_client`,
  );
  const owed = new Map<string, bigint>();
  for (const r of await q.query<{ customer_id: string; s: unknown }>(
    `SELECT customer_id, SUM(paid_cents + credited_cents - total_cents) AS s FROM g2_rm_invoices WHERE kind = 'invoice' GROUP BY customer_id`,
  ))
    owed.set(r.customer_id, big(r.s));
  for (const r of await q.query<{ customer_id: string; s: unknown }>(
    `SELECT customer_id, SUM(credit_cents) AS s FROM g2_rm_customer_credit GROUP BY customer_id`,
  ))
    owed.set(r.customer_id, (owed.get(r.customer_id) ?? 0n) + big(r.s));
  const causes = await balanceCauses(q);
  const out: Drift[] = [];
  for (const c of clients) {
    const id = String(c.id_client);
    const mine = owed.get(id) ?? 0n;
    const seen = centsOf(c.solde);
    const why = causes.get(id) ?? {
      untaken: 0n,
      untakenLabels: [],
      writing: [],
      pending: 0n,
      held: 0n,
    };
    // Agreeing with gloux2 (Gloux's credit included), nothing of gloux2's waiting: nothing to say.
    if (seen === mine + why.held && why.pending === 0n) continue;
    const base = { area: 'solde' as const, legacyId: id, label: `client n° ${id}`, field: 'solde' };
    // What the balance should read: gloux2's, plus what Gloux moved for rows not taken in and
    // the unallocated money of its payments.
    const target = mine + why.untaken + why.held;
    // What nothing explains, once gloux2's journal is applied.
    const add = target - seen - why.pending;
    const writing = add !== 0n ? why.writing : [];
    if (why.untaken !== 0n || writing.length > 0) {
      const parts = [
        ...(why.untaken !== 0n
          ? [
              `${cents(why.untaken)} de Gloux non importé (${why.untakenLabels.join(', ')}) : à régler dans Gloux`,
            ]
          : []),
        ...(writing.length > 0
          ? [
              `${plural(writing.length, 'facture', 'factures')} en cours d’écriture dans Gloux (${writing.join(', ')}) : à revoir une fois ${pluralWord(writing.length, 'importée', 'importées')}`,
            ]
          : []),
      ];
      out.push({
        ...base,
        gloux: money(c.solde),
        gloux2: `${cents(mine)} (${parts.join(' ; ')})`,
        owner: 'gloux',
        repair: null,
      });
      // Mid-write, the rest cannot be told from what Gloux's page has yet to do.
      if (writing.length > 0) continue;
    }
    if (add === 0n && why.pending === 0n) continue;
    const pending =
      why.pending === 0n
        ? ''
        : ` (dont ${cents(why.pending)} écrits par gloux2 et pas encore reportés au solde)`;
    out.push({
      ...base,
      gloux: money(c.solde),
      gloux2: `${cents(target)}${pending}`,
      owner: 'gloux2',
      repair: {
        kind: 'balance',
        customerId: id,
        seen: seen.toString(),
        pending: why.pending.toString(),
        add: add.toString(),
      },
    });
  }
  return out;
}

const HELD = new Set(['souscrite', 'liberee']);

async function shareDrift(q: Queryable): Promise<Drift[]> {
  const out: Drift[] = [];
  const gloux = new Map(
    (
      await q.query<{ numero: unknown; etat: string; id_tiers: unknown }>(
        `SELECT numero, etat, id_tiers FROM parts_sociales`,
      )
    ).map((r) => [Number(r.numero), { state: r.etat, tiersId: String(r.id_tiers) }]),
  );
  const refused = new Set(
    (
      await q.query<{ legacy_id: unknown }>(
        `SELECT DISTINCT legacy_id FROM g2_legacy_issues WHERE source_table = 'parts_sociales' AND blocking = 1`,
      )
    ).map((r) => Number(r.legacy_id)),
  );
  const mine = new Map(
    (
      await q.query<{ number: unknown; state: string; tiers_id: string; source: string }>(
        `SELECT number, state, tiers_id, source FROM g2_rm_shares`,
      )
    ).map((r) => [Number(r.number), { state: r.state, tiersId: r.tiers_id, source: r.source }]),
  );
  for (const n of [...new Set([...gloux.keys(), ...mine.keys()])].sort((a, b) => a - b)) {
    const g = gloux.get(n);
    const m = mine.get(n);
    const base = { area: 'part' as const, legacyId: String(n), label: `part n° ${n}` };
    if (!m) {
      out.push({
        ...base,
        field: 'présence',
        gloux: `${g!.state} (tiers ${g!.tiersId})`,
        gloux2: 'absente',
        owner: 'gloux',
        repair: null,
      });
    } else if (!g) {
      // A share gloux2 subscribed may not be mirrored yet: repair writes it. A row Gloux had
      // from the start was deleted in Gloux: a person decides, repair does not write it back.
      const ours = m.source === 'g2';
      out.push({
        ...base,
        field: 'présence',
        gloux: 'absente',
        gloux2: m.state,
        owner: ours ? 'gloux2' : 'gloux',
        repair: ours ? { kind: 'share', number: n, tiersIds: [m.tiersId] } : null,
      });
    } else if (g.state !== m.state || g.tiersId !== m.tiersId) {
      // Gloux's change to one of its rows: the ingestion takes it in at the next poll, or
      // refuses it (a rule of the register) and a person decides. Either way it is Gloux's,
      // and repair never writes gloux2's state over it.
      const mineNow = g.state !== m.state ? m.state : m.tiersId;
      out.push({
        ...base,
        field: g.state !== m.state ? 'etat' : 'id_tiers',
        gloux: g.state !== m.state ? g.state : g.tiersId,
        gloux2: refused.has(n) ? `${mineNow} (non importé : voir le rapport d’import)` : mineNow,
        owner: 'gloux',
        repair: null,
      });
    }
  }
  // tiers.nb_parts and tiers.societaire against the shares gloux2 holds for them.
  const held = new Map<string, number>();
  for (const m of mine.values())
    if (HELD.has(m.state)) held.set(m.tiersId, (held.get(m.tiersId) ?? 0) + 1);
  const withRows = new Set([...gloux.values()].map((g) => g.tiersId));
  const tiers = await q.query<{ id_tiers: unknown; nb_parts: unknown; societaire: string }>(
    `SELECT id_tiers, nb_parts, societaire FROM tiers ORDER BY id_tiers`,
  );
  for (const t of tiers) {
    const id = String(t.id_tiers);
    const count = held.get(id) ?? 0;
    // Without a single row in parts_sociales, nb_parts is Gloux's only record: a person decides.
    const ours = withRows.has(id);
    const base = {
      area: 'tiers' as const,
      legacyId: id,
      label: `tiers n° ${id}`,
      owner: ours ? ('gloux2' as const) : ('gloux' as const),
      repair: ours ? { kind: 'tiers' as const, tiersId: id } : null,
    };
    if (Number(t.nb_parts) !== count)
      out.push({ ...base, field: 'nb_parts', gloux: String(t.nb_parts), gloux2: String(count) });
    const societaire = count > 0 ? 'O' : 'N';
    if (t.societaire !== societaire)
      out.push({ ...base, field: 'societaire', gloux: t.societaire, gloux2: societaire });
  }
  return out;
}

const BASELINE = 'counter-baseline:';

/** The numbered series whose draws gloux2 accounts for: invoices, credit notes, shares. */
const NUMBERED_COUNTERS = `(nom LIKE 'facture%' OR nom LIKE 'avoir%' OR nom = '${SHARE_COUNTER}')`;

/**
 * Remembers each numbered counter's value when gloux2 first sees it: numbers drawn after that
 * must each end on a document, a share or in g2_number_gaps (Gloux README point 1); those
 * before are Gloux's history, whatever became of them.
 */
export async function recordCounterBaselines(q: Queryable, at: string): Promise<void> {
  const insert = q.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  const name = q.dialect === 'mysql' ? `CONCAT('${BASELINE}', nom)` : `'${BASELINE}' || nom`;
  await q.execute(
    `${insert} INTO g2_checkpoints (name, position, updated_at)
     SELECT ${name}, valeur, ? FROM compteurs WHERE ${NUMBERED_COUNTERS}`,
    [at],
  );
}

/** The values of a counter on a document or share (either side), or recorded as gaps. */
async function usedValues(q: Queryable, counter: string): Promise<Set<number>> {
  const used = new Set<number>();
  if (counter === SHARE_COUNTER) {
    for (const r of await q.query<{ n: unknown }>(
      `SELECT numero AS n FROM parts_sociales UNION SELECT number FROM g2_rm_shares`,
    ))
      used.add(Number(r.n));
  } else {
    const series = numberOf(counter, 0)!.slice(0, 5);
    const range = [`${series}-`, `${series}.`];
    for (const r of [
      ...(await q.query<{ n: string }>(
        `SELECT numero AS n FROM factures WHERE numero >= ? AND numero < ?`,
        range,
      )),
      ...(await q.query<{ n: string }>(
        `SELECT number AS n FROM g2_rm_invoices WHERE number >= ? AND number < ?`,
        range,
      )),
    ])
      used.add(Number(String(r.n).slice(series.length + 1)));
  }
  for (const r of await q.query<{ value: unknown }>(
    `SELECT value FROM g2_number_gaps WHERE counter = ?`,
    [counter],
  ))
    used.add(Number(r.value));
  return used;
}

/**
 * Numbers drawn since gloux2 runs that are on no document or share and in no recorded gap; a
 * number a living gloux2 process is still using (draw journal) is not one.
 */
async function numberDrift(q: Queryable): Promise<Drift[]> {
  const out: Drift[] = [];
  const baselines = await q.query<{ name: string; position: unknown }>(
    `SELECT name, position FROM g2_checkpoints WHERE name LIKE '${BASELINE}%' ORDER BY name`,
  );
  const draws = await drawsInProgress(q);
  for (const b of baselines) {
    const counter = b.name.slice(BASELINE.length);
    if (numberOf(counter, 0) === null) continue;
    const [c] = await q.query<{ valeur: unknown }>(`SELECT valeur FROM compteurs WHERE nom = ?`, [
      counter,
    ]);
    const from = Number(b.position) + 1;
    const to = Number(c?.valeur ?? 0);
    if (to < from) continue;
    const used = await usedValues(q, counter);
    // A draw under way whose value is not written yet may hold any number above its floor.
    const pending = draws.filter((d) => d.alive && d.counter === counter);
    const floor = Math.min(
      ...pending.filter((d) => d.value === null).map((d) => d.floorValue),
      Infinity,
    );
    for (const d of pending) if (d.value !== null) used.add(d.value);
    for (let v = from; v <= to; v++) {
      if (used.has(v) || v > floor) continue;
      const number = numberOf(counter, v)!;
      const share = counter === SHARE_COUNTER;
      out.push({
        area: 'numero',
        legacyId: String(v),
        label: share ? `part n° ${number}` : number,
        field: 'numéro',
        gloux: `tiré (${counter} = ${to})`,
        gloux2: share ? 'ni part ni trou enregistré' : 'ni document ni trou enregistré',
        owner: 'gloux2',
        repair: { kind: 'gap', counter, value: v, number },
      });
    }
  }
  return out;
}

/** hebergements.etat against the account streams (the state gloux2's events give). */
async function accountDrift(q: Queryable): Promise<Drift[]> {
  const streams = await accountStreams(q);
  const out: Drift[] = [];
  for (const row of await readHostings(q)) {
    const s = streams.get(row.accountId);
    const base = {
      area: 'compte' as const,
      legacyId: row.accountId,
      label: row.name || `compte n° ${row.accountId}`,
    };
    if (!s) {
      out.push({
        ...base,
        field: 'présence',
        gloux: row.etat,
        gloux2: 'absent',
        owner: 'gloux',
        repair: null,
      });
      continue;
    }
    const state = glouxStateOf(s.state);
    if (state !== row.etat)
      out.push({
        ...base,
        field: 'etat',
        gloux: row.etat,
        gloux2: state,
        owner: 'gloux2',
        repair: { kind: 'account', hostingId: Number(row.accountId), state },
      });
  }
  return out;
}

/**
 * Customers whose num_client is still the placeholder gloux2's sign-up writes before the real
 * number (MyISAM: a crash between the two writes leaves it). The number is the one the sign-up
 * was writing (opening day + id), so repair finishes it unless another row holds that number.
 */
async function customerNumberDrift(q: Queryable): Promise<Drift[]> {
  const day = q.dialect === 'mysql' ? 'CAST(date_ouverture AS CHAR)' : 'date_ouverture';
  const rows = await q.query<{ id_client: unknown; num_client: string; opened: unknown }>(
    `SELECT id_client, num_client, ${day} AS opened FROM clients WHERE num_client LIKE ? ORDER BY id_client`,
    [`${SIGN_UP_PLACEHOLDER}%`],
  );
  const out: Drift[] = [];
  for (const r of rows) {
    const id = Number(r.id_client);
    const openedOn = legacyDay(r.opened);
    let number: string | null = null;
    if (openedOn !== null && id <= 9_999_999) {
      number = customerNumberOf(openedOn, id);
      const [taken] = await q.query(
        `SELECT 1 AS x FROM clients WHERE num_client = ? AND id_client <> ?`,
        [number, id],
      );
      if (taken) number = null;
    }
    out.push({
      area: 'client',
      legacyId: String(id),
      label: `client n° ${id}`,
      field: 'num_client',
      gloux: r.num_client.trim(),
      gloux2: number ?? 'numéro à attribuer à la main (inscription interrompue)',
      owner: number ? 'gloux2' : 'gloux',
      repair: number
        ? { kind: 'customer-number', customerId: id, placeholder: r.num_client, number }
        : null,
    });
  }
  return out;
}

/** Every difference between Gloux's tables and gloux2's read models, area by area. */
export async function driftReport(q: Queryable): Promise<Drift[]> {
  return [
    ...(await customerNumberDrift(q)),
    ...(await invoiceDrift(q)),
    ...(await lineDrift(q)),
    ...(await paymentDrift(q)),
    ...(await balanceDrift(q)),
    ...(await shareDrift(q)),
    ...(await accountDrift(q)),
    ...(await numberDrift(q)),
    ...(await hostingNameDrift(q)),
  ];
}

/**
 * Repairs what gloux2 owns, by re-mirroring from the log: Gloux's denormalised columns are
 * recomputed from its rows, parts_sociales rows rewritten from the read model, and a document
 * or payment missing from Gloux written again. Returns how many repairs ran.
 */
export async function repairDrift(tx: Tx, drifts: readonly Drift[]): Promise<number> {
  const done = new Set<string>();
  let n = 0;
  for (const d of drifts) {
    const r = d.repair;
    if (d.owner !== 'gloux2' || r === null) continue;
    const key = JSON.stringify(r);
    if (done.has(key)) continue;
    done.add(key);
    n += 1;
    switch (r.kind) {
      case 'settlement': {
        // montant_regle and statut only: Gloux's balance never followed them (G9).
        await refreshInvoiceSettlement(tx, r.idFacture, parisDateTimeOf(new Date()));
        break;
      }
      case 'balance':
        await repairBalance(tx, r);
        break;
      case 'share':
        await writeShares(tx, [r.number], r.tiersIds);
        break;
      case 'tiers':
        await refreshTiersShares(tx, r.tiersId);
        break;
      case 'gap':
        await tx.execute(
          `INSERT INTO g2_number_gaps (counter, value, number, drawn_at, reason) VALUES (?, ?, ?, ?, ?)`,
          [
            r.counter,
            r.value,
            r.number,
            new Date().toISOString().replace('T', ' ').slice(0, 23),
            'tiré puis perdu (processus arrêté avant de l’utiliser, ou écriture Gloux inachevée) : constaté par le rapport d’écarts',
          ],
        );
        break;
      case 'account':
        await tx.execute(
          `UPDATE hebergements SET etat = ?, motif_etat = CASE WHEN ? = 'actif' THEN '' ELSE motif_etat END, date_etat = ? WHERE id_hebergement = ?`,
          [r.state, r.state, parisDateTimeOf(new Date()), r.hostingId],
        );
        {
          const [h] = await tx.query<{ id_client: unknown }>(
            `SELECT id_client FROM hebergements WHERE id_hebergement = ?`,
            [r.hostingId],
          );
          if (h) await refreshCustomerState(tx, String(h.id_client), parisDateTimeOf(new Date()));
        }
        break;
      case 'customer-number':
        // Only the placeholder is replaced: a row finished meanwhile is left as it is.
        await tx.execute(
          `UPDATE clients SET num_client = ? WHERE id_client = ? AND num_client = ?`,
          [r.number, r.customerId, r.placeholder],
        );
        break;
      case 'remirror':
        for (const e of await readStream(tx, r.streamId))
          if (e.metadata.source === 'g2') await mirrorEvent(tx, e);
        break;
    }
  }
  return n;
}

/**
 * gloux2's journaled writes not on the balance yet are applied (once each), then what nothing
 * explains is added relatively, and only if Gloux has not moved the balance since the report
 * read it: a Gloux write meanwhile is never lost, and the next report shows what is left.
 */
async function repairBalance(tx: Tx, r: Extract<Repair, { kind: 'balance' }>): Promise<void> {
  for (const d of await tx.query<{ delta_key: string }>(
    `SELECT delta_key FROM g2_legacy_balance_deltas WHERE id_client = ? AND applied = 0`,
    [Number(r.customerId)],
  ))
    await applyBalanceDelta(tx, d.delta_key);
  const add = BigInt(r.add);
  if (add === 0n) return;
  // The balance the report read plus the journal just applied.
  await tx.execute(
    `UPDATE clients SET solde = ROUND(solde + ? / 100.0, 2)
      WHERE id_client = ? AND ABS(solde - (? + ?) / 100.0) < 0.005`,
    [add.toString(), Number(r.customerId), r.seen, r.pending],
  );
}

/** How many of gloux2's events the mirror has not written into Gloux yet (drift is final at 0). */
export async function mirrorLag(q: Queryable): Promise<number> {
  const [row] = await q.query<{ n: unknown }>(
    `SELECT COUNT(*) AS n FROM g2_events WHERE source = 'g2'
        AND position > COALESCE((SELECT position FROM g2_checkpoints WHERE name = 'legacy-sync'), 0)`,
  );
  return Number(row?.n ?? 0);
}
