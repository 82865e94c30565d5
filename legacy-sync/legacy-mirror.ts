import {
  isBillingEvent,
  type BillingEvent,
  type InvoiceIssued,
  type LineKind,
  type PaymentMethod,
  type PaymentRecorded,
} from '../domain/billing/events.js';
import { parisDateTimeOf } from '../domain/shared/day.js';
import type { Queryable, Tx } from '../src/database/db.js';
import type { RecordedEvent } from '../src/event-store/event-store.js';
import { legacyTextParam } from './legacy-text.js';

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
  if (!isBillingEvent(event)) return;
  const e = event as unknown as BillingEvent;
  switch (e.type) {
    case 'InvoiceIssued':
      return mirrorInvoice(tx, e, event.recordedAt);
    case 'InvoicePaymentAllocated':
      return; // carried by PaymentRecorded, which lists every allocation
    case 'PaymentRecorded':
      return mirrorPayment(tx, e, event.recordedAt);
  }
}

async function mirrorInvoice(tx: Tx, e: InvoiceIssued, recordedAt: string): Promise<void> {
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
  for (const l of d.lines) {
    const { insertId } = await tx.execute(
      `INSERT INTO factures_lignes (id_facture, id_client, id_hebergement, id_produit, type_ligne, libelle, quantite, prix_unitaire_ht,
         taux_tva, montant_ht, periode_debut, periode_fin, date_creation)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        idFacture,
        Number(d.customerId),
        Number(l.hostingId ?? 0) || 0,
        Number(l.productId ?? 0) || 0,
        LINE_TYPE[l.kind],
        text(l.label),
        l.quantity,
        l.unitNet,
        l.vatRate,
        l.net,
        l.serviceStart,
        l.serviceEnd,
        localDateTime(recordedAt),
      ],
    );
    await remember(tx, 'invoice_line', l.lineId, insertId);
  }
  await refreshCustomerBalance(tx, d.customerId);
}

async function mirrorPayment(tx: Tx, e: PaymentRecorded, recordedAt: string): Promise<void> {
  const d = e.data;
  if ((await legacyIdOf(tx, 'payment', d.paymentId)) !== null) return;
  const text = (s: string) => legacyTextParam(s, tx.dialect);
  const { insertId: idPaiement } = await tx.execute(
    `INSERT INTO paiements (id_client, mode, montant, date_paiement, date_encaissement, reference, banque, etat, objet, commentaire, saisi_par, saisi_le)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'valide', 'facture', NULL, 0, ?)`,
    [
      Number(d.customerId),
      PAYMENT_MODE[d.method],
      d.amount,
      d.receivedOn,
      d.receivedOn,
      text(d.reference),
      text(d.bank),
      unixSeconds(recordedAt),
    ],
  );
  await remember(tx, 'payment', d.paymentId, idPaiement);
  const at = localDateTime(recordedAt);
  for (const a of d.allocations) {
    const idFacture = await legacyIdOf(tx, 'invoice', a.invoiceId);
    if (idFacture === null) throw new Error(`Invoice ${a.invoiceId} has no Gloux row yet`);
    await tx.execute(
      `INSERT INTO paiements_factures (id_paiement, id_facture, montant, date_affectation) VALUES (?, ?, ?, ?)`,
      [idPaiement, idFacture, a.amount, at],
    );
    await refreshInvoiceSettlement(tx, idFacture, at);
  }
  await refreshCustomerBalance(tx, d.customerId);
}

const SETTLED = `(SELECT COALESCE(SUM(pf.montant), 0) FROM paiements_factures pf
   JOIN paiements p ON p.id_paiement = pf.id_paiement AND p.etat = 'valide' WHERE pf.id_facture = factures.id_facture)`;

/**
 * montant_regle, statut and date_reglement as Gloux's own form (G9) leaves them, but computed
 * from paiements_factures rather than incremented, so a re-run after a crash cannot double it.
 */
async function refreshInvoiceSettlement(tx: Tx, idFacture: number, at: string): Promise<void> {
  await tx.execute(
    `UPDATE factures
        SET date_reglement = CASE WHEN statut = 'emise' AND ${SETTLED} >= total_ttc THEN ? ELSE date_reglement END,
            statut = CASE WHEN statut = 'emise' AND ${SETTLED} >= total_ttc THEN 'payee' ELSE statut END,
            montant_regle = ${SETTLED}
      WHERE id_facture = ?`,
    [at, idFacture],
  );
}

/**
 * clients.solde = what was allocated to the customer's invoices minus what they were invoiced
 * (the sample data agrees: -14.35 = 7.25 - 21.60). Recomputed, never incremented: idempotent,
 * so a crash between this MyISAM write and the commit is repaired by the re-run.
 */
export async function refreshCustomerBalance(tx: Tx, customerId: string): Promise<void> {
  await tx.execute(
    `UPDATE clients SET solde = ROUND(
        (SELECT COALESCE(SUM(pf.montant), 0) FROM paiements_factures pf
           JOIN paiements p ON p.id_paiement = pf.id_paiement AND p.etat = 'valide'
           JOIN factures f ON f.id_facture = pf.id_facture
          WHERE f.id_client = clients.id_client AND f.type_facture = 'facture')
      - (SELECT COALESCE(SUM(f.total_ttc), 0) FROM factures f
          WHERE f.id_client = clients.id_client AND f.statut IN ('emise', 'payee') AND f.type_facture = 'facture'), 2)
      WHERE id_client = ?`,
    [Number(customerId)],
  );
}
