import {
  isBillingEvent,
  type BillingEvent,
  type CreditNoteIssued,
  type CustomerCreditApplied,
  type CustomerCreditWithdrawn,
  type InvoiceIssued,
  type LineKind,
  type PaymentMethod,
  type PaymentRecorded,
  type PaymentReversed,
} from '../domain/billing/events.js';
import { parisDateTimeOf } from '../domain/shared/day.js';
import {
  ingestedBalanceDelta,
  ownBalanceDelta,
  type GlouxBalanceDelta,
} from '../domain/legacy/gloux-balance.js';
import type { Queryable, Tx } from '../src/kernel/database/db.js';
import type { RecordedEvent } from '../src/kernel/event-store/event-store.js';
import { fromCents, toCents } from '../domain/shared/cents.js';
import { attachClaimedLine, claimedLines } from './legacy-line-claims.js';
import { isShareEvent } from '../domain/shares/events.js';
import { mirrorShareEvent } from './legacy-shares-mirror.js';
import { legacyTextParam } from './legacy-text.js';
import { cutToGlouxColumn } from '../domain/legacy/gloux-columns.js';
import { mirrorAccountEvent } from './legacy-accounts.js';
import { isAccountEvent, isPersonEvent } from '../domain/accounts/events.js';
import { mirrorPersonEvent } from './legacy-members.js';

/** gloux2 → Gloux: writes what an event means into Gloux's own tables, the way Gloux writes them. */

const LINE_TYPE: Record<LineKind, string> = {
  subscription: 'abonnement',
  option: 'option',
  prorata: 'prorata',
  overage: 'depassement',
  discount: 'remise',
  misc: 'divers',
};

const PAYMENT_MODE: Record<PaymentMethod, string> = {
  cheque: 'cheque',
  card: 'cb',
  transfer: 'virement',
  cash: 'especes',
  other: 'autre',
};

export async function legacyIdOf(q: Queryable, kind: string, g2Id: string): Promise<number | null> {
  const [row] = await q.query<{ legacy_id: number | string }>(
    `SELECT legacy_id FROM g2_legacy_map WHERE kind = ? AND g2_id = ?`,
    [kind, g2Id],
  );
  return row ? Number(row.legacy_id) : null;
}

async function remember(tx: Tx, kind: string, g2Id: string, legacyId: number): Promise<void> {
  await tx.execute(`INSERT INTO g2_legacy_map (kind, g2_id, legacy_id) VALUES (?, ?, ?)`, [
    kind,
    g2Id,
    legacyId,
  ]);
}

function unixSeconds(recordedAt: string): number {
  return Math.floor(Date.parse(recordedAt.replace(' ', 'T') + 'Z') / 1000);
}

function localDateTime(recordedAt: string): string {
  return parisDateTimeOf(new Date(recordedAt.replace(' ', 'T') + 'Z'));
}

/** Applies one event; safe to re-run (rows already mirrored are recognised through g2_legacy_map). */
export async function mirrorEvent(tx: Tx, event: RecordedEvent): Promise<void> {
  if (isShareEvent(event)) return mirrorShareEvent(tx, event);
  if (isAccountEvent(event)) return mirrorAccountEvent(tx, event);
  if (isPersonEvent(event)) return mirrorPersonEvent(tx, event);
  if (!isBillingEvent(event)) return;
  const e = event as unknown as BillingEvent;
  switch (e.type) {
    case 'InvoiceIssued':
      await mirrorInvoice(tx, e, event.recordedAt, event.metadata.idempotencyKey);
      break;
    case 'InvoicePaymentAllocated':
      break; // carried by the event that lists it (payment, reversal, use of credit)
    case 'PaymentRecorded':
      await mirrorPayment(tx, e, event.recordedAt);
      break;
    case 'CreditNoteIssued':
      await mirrorCreditNote(tx, e, event.recordedAt);
      break;
    case 'PaymentReversed':
      await mirrorReversal(tx, e, event.recordedAt);
      break;
    case 'PaymentAllocationChanged':
      // Only the ingester records it, from a paiements_factures row Gloux already holds.
      throw new Error('PaymentAllocationChanged is Gloux’s, never gloux2’s own: nothing to mirror');
    case 'LegacyInvoiceLinesCorrected':
      // Only the ingester records it, from factures_lignes rows Gloux already holds.
      throw new Error(
        'LegacyInvoiceLinesCorrected is Gloux’s, never gloux2’s own: nothing to mirror',
      );
    case 'CustomerCreditApplied':
      await mirrorCreditApplied(tx, e, event.recordedAt);
      break;
    case 'CustomerCreditWithdrawn':
      await mirrorCreditWithdrawn(tx, e, event.recordedAt);
      break;
    case 'CustomerCredited':
      break; // only the balance changes
  }
  // Once the rows are written: relatively, once per event (G9).
  await addToCustomerBalance(tx, ownBalanceDelta(e));
}

/**
 * An event ingested from Gloux: its rows are Gloux's own, only the columns Gloux denormalises
 * per document are recomputed from them (idempotent), so Gloux's screens say what gloux2 says.
 * clients.solde is never rewritten: Gloux's own forms moved it when they wrote the invoice,
 * payment, allocation or avoir taken in (G9), and a recomputation racing them counted their
 * amount twice. What Gloux changes by hand afterwards without touching the balance (a cheque
 * marked 'rejete' or 'rembourse', an invoice's lines edited) moves it relatively, once.
 */
export async function refreshAfterIngest(tx: Tx, event: RecordedEvent): Promise<void> {
  if (!isBillingEvent(event)) return;
  const e = event as unknown as BillingEvent;
  if (e.type === 'CreditNoteIssued') {
    // Gloux's avoir row is Gloux's; what it does to the invoice is written as for gloux2's own.
    const idFacture = await legacyIdOf(tx, 'invoice', e.data.invoiceId);
    if (idFacture !== null) await imputeCreditNote(tx, e.data, idFacture, event.recordedAt);
  }
  if (e.type === 'LegacyInvoiceLinesCorrected' || e.type === 'InvoicePaymentAllocated') {
    // Gloux's lines, totals or allocations changed: what its invoice shows follows them.
    const idFacture = await legacyIdOf(tx, 'invoice', e.data.invoiceId);
    if (idFacture !== null)
      await refreshInvoiceSettlement(tx, idFacture, localDateTime(event.recordedAt));
  }
  await addToCustomerBalance(tx, ingestedBalanceDelta(e));
}

async function mirrorInvoice(
  tx: Tx,
  e: InvoiceIssued,
  recordedAt: string,
  idempotencyKey?: string,
): Promise<void> {
  const d = e.data;
  if ((await legacyIdOf(tx, 'invoice', d.invoiceId)) !== null) return;
  const text = (s: string) => legacyTextParam(s, tx.dialect);
  const [client] = await tx.query<{ id_tiers: number | string }>(
    `SELECT CASE WHEN id_tiers_facture <> 0 THEN id_tiers_facture ELSE id_tiers END AS id_tiers FROM clients WHERE id_client = ?`,
    [Number(d.customerId)],
  );
  // A 0.00 invoice is born paid, so Gloux's closing script (G3) can never suspend for it.
  const zero = /^-?0\.00$/.test(d.total);
  const { insertId: idFacture } = await tx.execute(
    `INSERT INTO factures (numero, id_client, id_tiers, adresse_facturation, date_facture, date_echeance, total_ht, total_tva, total_ttc,
       montant_regle, statut, type_facture, id_facture_origine, date_reglement, nb_relances, cree_par, cree_le)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '0.00', ?, 'facture', 0, ?, 0, 0, ?)`,
    [
      d.number,
      Number(d.customerId),
      Number(client?.id_tiers ?? 0),
      text(d.billingAddress),
      d.issuedOn,
      d.dueOn,
      d.totalNet,
      d.totalVat,
      d.total,
      zero ? 'payee' : 'emise',
      zero ? localDateTime(recordedAt) : '0000-00-00 00:00:00',
      unixSeconds(recordedAt),
    ],
  );
  await remember(tx, 'invoice', d.invoiceId, idFacture);
  // Gloux pending rows claimed by the billing run are attached, not copied (legacy-line-claims.ts).
  const claimed = await claimedLines(tx, idempotencyKey);
  for (const [i, l] of d.lines.entries()) {
    const claim = claimed.get(i);
    if (claim !== undefined && (await attachClaimedLine(tx, claim, idFacture, d.customerId, l))) {
      await remember(tx, 'invoice_line', l.lineId, claim);
      continue;
    }
    const insertId = await insertLegacyLine(tx, idFacture, d.customerId, l, {
      quantity: l.quantity,
      unitNet: l.unitNet,
      net: l.net,
      createdAt: localDateTime(recordedAt),
    });
    await remember(tx, 'invoice_line', l.lineId, insertId);
  }
}

async function mirrorPayment(tx: Tx, e: PaymentRecorded, recordedAt: string): Promise<void> {
  const d = e.data;
  await insertLegacyPayment(tx, {
    g2Id: d.paymentId,
    customerId: d.customerId,
    mode: PAYMENT_MODE[d.method],
    amount: d.amount,
    on: d.receivedOn,
    reference: d.reference,
    bank: d.bank,
    comment: null,
    recordedAt,
    allocations: d.allocations.map((a) => ({ invoiceG2Id: a.invoiceId, amount: a.amount })),
  });
}

/** One factures_lignes row the way Gloux writes it (FLOAT money as the exact decimal string). */
async function insertLegacyLine(
  tx: Tx,
  idFacture: number,
  customerId: string,
  l: {
    kind: LineKind;
    label: string;
    productId: string | null;
    hostingId: string | null;
    vatRate: string;
    serviceStart: string;
    serviceEnd: string;
  },
  amounts: { quantity: string; unitNet: string; net: string; createdAt: string },
): Promise<number> {
  const { insertId } = await tx.execute(
    `INSERT INTO factures_lignes (id_facture, id_client, id_hebergement, id_produit, type_ligne, libelle, quantite, prix_unitaire_ht,
       taux_tva, montant_ht, periode_debut, periode_fin, date_creation)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      idFacture,
      Number(customerId),
      Number(l.hostingId ?? 0) || 0,
      Number(l.productId ?? 0) || 0,
      LINE_TYPE[l.kind],
      legacyTextParam(l.label, tx.dialect),
      amounts.quantity,
      amounts.unitNet,
      l.vatRate,
      amounts.net,
      l.serviceStart,
      l.serviceEnd,
      amounts.createdAt,
    ],
  );
  return insertId;
}

const SETTLED = `(SELECT COALESCE(SUM(pf.montant), 0) FROM paiements_factures pf
   JOIN paiements p ON p.id_paiement = pf.id_paiement AND p.etat = 'valide' WHERE pf.id_facture = factures.id_facture)`;

/**
 * montant_regle, statut and date_reglement as Gloux's own form (G9) leaves them, but computed
 * from paiements_factures rather than incremented, so a re-run after a crash cannot double it.
 * A reversal reopens a paid invoice; an invoice cancelled by avoir stays 'annulee'.
 * (MySQL assigns left to right with the new values: date_reglement is set before statut.)
 */
export async function refreshInvoiceSettlement(
  tx: Tx,
  idFacture: number,
  at: string,
): Promise<void> {
  await tx.execute(
    `UPDATE factures
        SET date_reglement = CASE WHEN statut = 'emise' AND ${SETTLED} >= total_ttc THEN ?
                                  WHEN statut = 'payee' AND ${SETTLED} < total_ttc THEN '0000-00-00 00:00:00'
                                  ELSE date_reglement END,
            statut = CASE WHEN statut IN ('emise', 'payee') THEN CASE WHEN ${SETTLED} >= total_ttc THEN 'payee' ELSE 'emise' END
                          ELSE statut END,
            montant_regle = ${SETTLED}
      WHERE id_facture = ?`,
    [at, idFacture],
  );
}

/**
 * Adds one event's change to clients.solde the way Gloux's own form does (G9:
 * `solde = solde + @montant`): relative updates commute with Gloux's. Once per key: the journal
 * row (MyISAM, as clients, so neither rolls back without the other) is marked by the statement
 * that changes the balance, so a replay after a crash adds nothing.
 */
export async function addToCustomerBalance(tx: Tx, delta: GlouxBalanceDelta | null): Promise<void> {
  if (delta === null || !/^\d{1,10}$/.test(delta.customerId)) return;
  const insert = tx.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  await tx.execute(
    `${insert} INTO g2_legacy_balance_deltas (delta_key, id_client, amount_cents, applied) VALUES (?, ?, ?, 0)`,
    [delta.key, Number(delta.customerId), delta.cents.toString()],
  );
  await applyBalanceDelta(tx, delta.key);
}

/** Adds one journaled delta to clients.solde unless it is there already (legacy:repair too). */
export async function applyBalanceDelta(tx: Tx, key: string): Promise<void> {
  if (tx.dialect === 'mysql') {
    // One statement over two MyISAM tables: the mark and the balance never part after a crash.
    await tx.execute(
      `UPDATE clients c JOIN g2_legacy_balance_deltas d ON d.id_client = c.id_client
          SET c.solde = ROUND(c.solde + d.amount_cents / 100.0, 2), d.applied = 1
        WHERE d.delta_key = ? AND d.applied = 0`,
      [key],
    );
    return;
  }
  // SQLite: the journal row and the balance commit or roll back together.
  const [d] = await tx.query<{ id_client: unknown; amount_cents: unknown }>(
    `SELECT id_client, amount_cents FROM g2_legacy_balance_deltas WHERE delta_key = ? AND applied = 0`,
    [key],
  );
  if (!d) return;
  await tx.execute(`UPDATE clients SET solde = ROUND(solde + ? / 100.0, 2) WHERE id_client = ?`, [
    String(d.amount_cents),
    Number(d.id_client),
  ]);
  await tx.execute(`UPDATE g2_legacy_balance_deltas SET applied = 1 WHERE delta_key = ?`, [key]);
}

/** A paiements row (with its allocations) the way Gloux's form writes one. */
async function insertLegacyPayment(
  tx: Tx,
  p: {
    g2Id: string;
    customerId: string;
    mode: string;
    amount: string;
    on: string;
    reference: string;
    bank?: string;
    comment: string | null;
    recordedAt: string;
    allocations: readonly { invoiceG2Id: string; amount: string }[];
  },
): Promise<void> {
  if ((await legacyIdOf(tx, 'payment', p.g2Id)) !== null) return;
  const text = (s: string) => legacyTextParam(s, tx.dialect);
  const { insertId: idPaiement } = await tx.execute(
    `INSERT INTO paiements (id_client, mode, montant, date_paiement, date_encaissement, reference, banque, etat, objet, commentaire, saisi_par, saisi_le)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'valide', 'facture', ?, 0, ?)`,
    [
      Number(p.customerId),
      p.mode,
      p.amount,
      p.on,
      p.on,
      text(cutToGlouxColumn(p.reference, 'paiements.reference')),
      text(cutToGlouxColumn(p.bank ?? '', 'paiements.banque')),
      p.comment === null ? null : text(p.comment),
      unixSeconds(p.recordedAt),
    ],
  );
  await remember(tx, 'payment', p.g2Id, idPaiement);
  const at = localDateTime(p.recordedAt);
  for (const a of p.allocations) {
    const idFacture = await legacyIdOf(tx, 'invoice', a.invoiceG2Id);
    if (idFacture === null) throw new Error(`Invoice ${a.invoiceG2Id} has no Gloux row yet`);
    await tx.execute(
      `INSERT INTO paiements_factures (id_paiement, id_facture, montant, date_affectation) VALUES (?, ?, ?, ?)`,
      [idPaiement, idFacture, a.amount, at],
    );
    await refreshInvoiceSettlement(tx, idFacture, at);
  }
}

const negated = (amount: string) => (amount.startsWith('-') ? amount.slice(1) : `-${amount}`);

async function mirrorCreditNote(tx: Tx, e: CreditNoteIssued, recordedAt: string): Promise<void> {
  const d = e.data;
  if ((await legacyIdOf(tx, 'credit_note', d.creditNoteId)) !== null) return;
  const text = (s: string) => legacyTextParam(s, tx.dialect);
  const idOrigine = await legacyIdOf(tx, 'invoice', d.invoiceId);
  if (idOrigine === null) throw new Error(`Invoice ${d.invoiceId} has no Gloux row yet`);
  const at = localDateTime(recordedAt);
  // Negative amounts, settled at once: by Gloux's own rule (montant_regle >= total_ttc) it is 'payee'.
  const { insertId: idAvoir } = await tx.execute(
    `INSERT INTO factures (numero, id_client, id_tiers, adresse_facturation, date_facture, date_echeance, total_ht, total_tva, total_ttc,
       montant_regle, statut, type_facture, id_facture_origine, date_reglement, nb_relances, cree_par, cree_le)
     SELECT ?, id_client, id_tiers, ?, ?, ?, ?, ?, ?, '0.00', 'payee', 'avoir', id_facture, ?, 0, 0, ? FROM factures WHERE id_facture = ?`,
    [
      d.number,
      text(d.billingAddress),
      d.issuedOn,
      d.issuedOn,
      negated(d.totalNet),
      negated(d.totalVat),
      negated(d.total),
      at,
      unixSeconds(recordedAt),
      idOrigine,
    ],
  );
  await remember(tx, 'credit_note', d.creditNoteId, idAvoir);
  for (const l of d.lines) {
    const insertId = await insertLegacyLine(tx, idAvoir, d.customerId, l, {
      quantity: '1',
      unitNet: negated(l.net),
      net: negated(l.net),
      createdAt: at,
    });
    await remember(tx, 'invoice_line', l.lineId, insertId);
  }
  await imputeCreditNote(tx, d, idOrigine, recordedAt);
}

/**
 * What a credit note (gloux2's, or an avoir ingested from Gloux) does to its invoice's Gloux
 * row: 'annulee' once fully credited, and the part of the amount due it cancels imputed as a
 * payment row (mode 'autre'), so montant_regle and G6's "reste" agree with gloux2 and G3 never
 * acts on an invoice the credit note settled. Safe to re-run (the row is known by its g2 id).
 */
async function imputeCreditNote(
  tx: Tx,
  d: CreditNoteIssued['data'],
  idOrigine: number,
  recordedAt: string,
): Promise<void> {
  const at = localDateTime(recordedAt);
  const [original] = await tx.query<{ status: string }>(
    `SELECT status FROM g2_rm_invoices WHERE invoice_id = ?`,
    [d.invoiceId],
  );
  if (original?.status === 'cancelled') {
    await tx.execute(`UPDATE factures SET statut = 'annulee' WHERE id_facture = ?`, [idOrigine]);
  }
  // What the avoir cancels of the amount due is imputed on the invoice, so G6's "reste" agrees.
  if (d.settled !== '0.00') {
    await insertLegacyPayment(tx, {
      g2Id: d.creditNoteId,
      customerId: d.customerId,
      mode: 'autre',
      amount: d.settled,
      on: d.issuedOn,
      reference: `Avoir ${d.number}`,
      comment: `Imputation de l'avoir ${d.number} sur la facture ${d.invoiceNumber}`,
      recordedAt,
      allocations: [{ invoiceG2Id: d.invoiceId, amount: d.settled }],
    });
  } else {
    await refreshInvoiceSettlement(tx, idOrigine, at);
  }
}

/**
 * A bounced cheque or a refund is money going back on its own day: a negative row with negative
 * allocations on exactly the invoices gloux2 reopened, so past day totals stay true and every
 * invoice's montant_regle keeps agreeing with the read model.
 */
async function mirrorReversal(tx: Tx, e: PaymentReversed, recordedAt: string): Promise<void> {
  const d = e.data;
  const idPaiement = await legacyIdOf(tx, 'payment', d.paymentId);
  if (idPaiement === null) throw new Error(`Payment ${d.paymentId} has no Gloux row yet`);
  const [original] = await tx.query<{ mode: string }>(
    `SELECT mode FROM paiements WHERE id_paiement = ?`,
    [idPaiement],
  );
  const what = d.kind === 'bounced' ? 'Chèque impayé' : 'Remboursement';
  await insertLegacyPayment(tx, {
    g2Id: d.reversalId,
    customerId: d.customerId,
    mode: original?.mode ?? 'autre',
    amount: negated(d.amount),
    on: d.on,
    reference: d.reference || `${what} ${idPaiement}`,
    comment: `${what} : paiement n° ${idPaiement}${d.reason ? ` (${d.reason})` : ''}`,
    recordedAt,
    allocations: d.invoices.map((i) => ({ invoiceG2Id: i.invoiceId, amount: negated(i.amount) })),
  });
}

async function mirrorCreditApplied(
  tx: Tx,
  e: CustomerCreditApplied,
  recordedAt: string,
): Promise<void> {
  const d = e.data;
  await insertLegacyPayment(tx, {
    g2Id: d.applicationId,
    customerId: d.customerId,
    mode: 'autre',
    amount: d.amount,
    on: d.on,
    reference: 'Crédit client',
    comment: 'Règlement par le crédit du client (trop-perçu ou avoir)',
    recordedAt,
    allocations: [{ invoiceG2Id: d.invoiceId, amount: d.amount }],
  });
}

async function mirrorCreditWithdrawn(
  tx: Tx,
  e: CustomerCreditWithdrawn,
  recordedAt: string,
): Promise<void> {
  const d = e.data;
  if (d.reversedApplications.length > 0) {
    const undone = d.reversedApplications.reduce((s, r) => s + BigInt(toCents(r.amount)), 0n);
    await insertLegacyPayment(tx, {
      g2Id: `${d.withdrawalId}:undo`,
      customerId: d.customerId,
      mode: 'autre',
      amount: negated(fromCents(undone)),
      on: d.on,
      reference: 'Crédit client annulé',
      comment: 'Le crédit qui réglait ces factures venait d’un chèque impayé',
      recordedAt,
      allocations: d.reversedApplications.map((r) => ({
        invoiceG2Id: r.invoiceId,
        amount: negated(r.amount),
      })),
    });
  }
  // A refund of credit alone is money paid out; a payment's refund or bounce is already written.
  if (d.paymentId === null) {
    await insertLegacyPayment(tx, {
      g2Id: d.withdrawalId,
      customerId: d.customerId,
      mode: PAYMENT_MODE[d.method],
      amount: negated(d.amount),
      on: d.on,
      reference: d.reference || 'Remboursement du crédit',
      comment: 'Remboursement du crédit du client',
      recordedAt,
      allocations: [],
    });
  }
}
