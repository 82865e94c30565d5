import type mysql from 'mysql2/promise';
import type { Queryable } from '../../src/kernel/database/db.js';
import { glouxStatement, runGloux } from './databases.js';

/**
 * Gloux's own writes, for tests: on MariaDB the vendored statements (gloux-behaviour.sql) run
 * over a raw latin1 connection exactly as Gloux runs them (autocommit, one statement after
 * the other, no transaction); on SQLite the same statements translated (SQLite has no
 * LAST_INSERT_ID(expr), IF() nor CURDATE()).
 */
export interface GlouxSide {
  /** Raw latin1 connection (MariaDB), or null: statements go through `q` (SQLite). */
  readonly conn: mysql.Connection | null;
  readonly q: Queryable;
}

async function one<T>(side: GlouxSide, sql: string, params: unknown[] = []): Promise<T[]> {
  if (side.conn) {
    const [rows] = await side.conn.query(sql, params);
    return rows as T[];
  }
  return (await side.q.query(sql, params)) as T[];
}

async function exec(side: GlouxSide, sql: string, params: unknown[] = []): Promise<number> {
  if (side.conn) {
    const [r] = (await side.conn.query(sql, params)) as unknown as [{ insertId: number }];
    return Number(r.insertId ?? 0);
  }
  return (await side.q.execute(sql, params)).insertId;
}

/** G9: a cheque paying one invoice, as Gloux's form records it. Returns the id_paiement. */
export async function glouxCheque(
  side: GlouxSide,
  v: { idClient: number; idFacture: number; montant: string; ref: string; banque?: string },
): Promise<number> {
  if (side.conn) {
    await runGloux(side.conn, glouxStatement('G9'), {
      id_client: v.idClient,
      montant: v.montant,
      ref: v.ref,
      banque: v.banque ?? '',
      admin: 3,
      id_facture: v.idFacture,
    });
    const [row] = await one<{ id: number }>(
      side,
      `SELECT MAX(id_paiement) AS id FROM paiements WHERE reference = ?`,
      [v.ref],
    );
    return Number(row?.id);
  }
  const id = await exec(
    side,
    `INSERT INTO paiements (id_client, mode, montant, date_paiement, date_encaissement, reference, banque, etat, objet, saisi_par, saisi_le)
     VALUES (?, 'cheque', ?, date('now'), date('now'), ?, ?, 'valide', 'facture', 3, strftime('%s', 'now'))`,
    [v.idClient, Number(v.montant), v.ref, v.banque ?? ''],
  );
  await exec(side, `INSERT INTO paiements_factures VALUES (?, ?, ?, datetime('now'))`, [
    id,
    v.idFacture,
    v.montant,
  ]);
  // MySQL assigns left to right: statut and date_reglement see the new montant_regle.
  await exec(
    side,
    `UPDATE factures SET montant_regle = montant_regle + ?,
        statut = CASE WHEN montant_regle + ? >= total_ttc THEN 'payee' ELSE statut END,
        date_reglement = CASE WHEN montant_regle + ? >= total_ttc THEN datetime('now') ELSE date_reglement END
      WHERE id_facture = ?`,
    [v.montant, v.montant, v.montant, v.idFacture],
  );
  await exec(side, `UPDATE clients SET solde = solde + ? WHERE id_client = ?`, [
    Number(v.montant),
    v.idClient,
  ]);
  return id;
}

/** G1: the next invoice number of the year, drawn from Gloux's counter. */
export async function glouxInvoiceNumber(side: GlouxSide, year: number): Promise<string> {
  let value: number;
  if (side.conn) {
    await side.conn.query(`INSERT IGNORE INTO compteurs (nom, valeur) VALUES (?, 0)`, [
      `facture_${year}`,
    ]);
    await side.conn.query(
      `UPDATE compteurs SET valeur = LAST_INSERT_ID(valeur + 1) WHERE nom = ?`,
      [`facture_${year}`],
    );
    const [row] = await one<{ v: number }>(side, `SELECT LAST_INSERT_ID() AS v`);
    value = Number(row?.v);
  } else {
    await side.q.execute(`INSERT OR IGNORE INTO compteurs (nom, valeur) VALUES (?, 0)`, [
      `facture_${year}`,
    ]);
    const [row] = await side.q.query<{ valeur: number }>(
      `UPDATE compteurs SET valeur = valeur + 1 WHERE nom = ? RETURNING valeur`,
      [`facture_${year}`],
    );
    value = Number(row?.valeur);
  }
  return `F${year}-${String(value).padStart(6, '0')}`;
}

/**
 * An invoice as Gloux issues one: number from G1, lines with FLOAT amounts, totals with the
 * VAT computed on the total, the customer's balance lowered. Text goes in as UTF-8 bytes over
 * the latin1 connection, as Gloux's PHP pages send it. Returns id_facture, number and total.
 */
export async function glouxInvoice(
  side: GlouxSide,
  v: {
    idClient: number;
    date: string;
    lines: { libelle: string; montantHt: number; taux?: number; debut?: string; fin?: string }[];
    statut?: string;
    /** Leave the lines to `writeLines`: a reader sees the factures row without them. */
    linesLater?: boolean;
    /** With `linesLater`: the balance too is lowered by `writeLines`, once the lines are in. */
    balanceWithLines?: boolean;
  },
): Promise<{
  idFacture: number;
  numero: string;
  total: string;
  writeLines: () => Promise<void>;
}> {
  const numero = await glouxInvoiceNumber(side, Number(v.date.slice(0, 4)));
  const net = v.lines.reduce((s, l) => s + Math.round(l.montantHt * 100), 0);
  const vat = Math.round((net * (v.lines[0]?.taux ?? 19.6)) / 100);
  const total = net + vat;
  const euros = (c: number) => (c / 100).toFixed(2);
  const text = (s: string) => (side.conn ? Buffer.from(s, 'utf8') : s);
  const due = new Date(Date.parse(v.date) + 60 * 86_400_000).toISOString().slice(0, 10);
  const idFacture = await exec(
    side,
    `INSERT INTO factures (numero, id_client, id_tiers, adresse_facturation, date_facture, date_echeance, total_ht, total_tva, total_ttc, montant_regle, statut, type_facture, cree_le)
     VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, 0, ?, 'facture', 0)`,
    [
      numero,
      v.idClient,
      text('Client Gloux\nAdresse'),
      v.date,
      due,
      euros(net),
      euros(vat),
      euros(total),
      v.statut ?? 'emise',
    ],
  );
  const lowerBalance = () =>
    exec(side, `UPDATE clients SET solde = solde - ? WHERE id_client = ?`, [
      total / 100,
      v.idClient,
    ]);
  const writeLines = async () => {
    await glouxLines(side, idFacture, v.idClient, v.date, v.lines, 1);
    if (v.balanceWithLines) await lowerBalance();
  };
  if (!v.linesLater) await writeLines();
  if (!v.balanceWithLines) await lowerBalance();
  return { idFacture, numero, total: euros(total), writeLines };
}

/** factures_lignes rows as Gloux writes them (FLOAT amounts, UTF-8 bytes); sign -1 for an avoir. */
async function glouxLines(
  side: GlouxSide,
  idFacture: number,
  idClient: number,
  date: string,
  lines: readonly {
    libelle: string;
    montantHt: number;
    taux?: number;
    debut?: string;
    fin?: string;
  }[],
  sign: 1 | -1,
): Promise<void> {
  const text = (s: string) => (side.conn ? Buffer.from(s, 'utf8') : s);
  for (const l of lines)
    await exec(
      side,
      `INSERT INTO factures_lignes (id_facture, id_client, type_ligne, libelle, quantite, prix_unitaire_ht, taux_tva, montant_ht, periode_debut, periode_fin)
       VALUES (?, ?, 'abonnement', ?, 1, ?, ?, ?, ?, ?)`,
      [
        idFacture,
        idClient,
        text(l.libelle),
        sign * l.montantHt,
        l.taux ?? 19.6,
        sign * l.montantHt,
        l.debut ?? date,
        l.fin ?? date,
      ],
    );
}

/** A direct admin edit in Gloux's database (phpMyAdmin style). */
export function glouxEdit(side: GlouxSide, sql: string, params: unknown[] = []): Promise<number> {
  return exec(side, sql, params);
}

/** G3, Gloux's weekly closing script: suspends accounts with an issued invoice unpaid 60 days past due. */
export async function glouxClosingScript(side: GlouxSide): Promise<void> {
  if (side.conn) {
    await runGloux(side.conn, glouxStatement('G3'));
    return;
  }
  await side.q.execute(
    `UPDATE hebergements SET etat = 'suspendu', motif_etat = 'impayé > 60 jours', date_etat = datetime('now')
      WHERE etat = 'actif' AND EXISTS (SELECT 1 FROM factures f WHERE f.id_client = hebergements.id_client
        AND f.statut = 'emise' AND f.type_facture = 'facture' AND f.date_echeance < date('now', '-60 days'))`,
  );
  await side.q.execute(
    `UPDATE clients SET etat = 'suspendu' WHERE etat = 'actif'
      AND EXISTS (SELECT 1 FROM hebergements h WHERE h.id_client = clients.id_client AND h.etat = 'suspendu')`,
  );
}

/**
 * A payment as Gloux's form records it (G9's statements), allocated to the invoices given,
 * possibly less than its amount (Gloux's 'mixte' payments). Returns the id_paiement.
 */
export async function glouxPayment(
  side: GlouxSide,
  v: {
    idClient: number;
    montant: string;
    date: string;
    ref: string;
    allocations: { idFacture: number; montant: string }[];
  },
): Promise<number> {
  const idPaiement = await exec(
    side,
    `INSERT INTO paiements (id_client, mode, montant, date_paiement, date_encaissement, reference, banque, etat, objet, saisi_par, saisi_le)
     VALUES (?, 'cheque', ?, ?, ?, ?, '', 'valide', 'mixte', 3, 0)`,
    [v.idClient, Number(v.montant), v.date, v.date, v.ref],
  );
  for (const a of v.allocations)
    await glouxAllocation(side, { idPaiement, ...a, at: `${v.date} 10:00:00` });
  await exec(side, `UPDATE clients SET solde = solde + ? WHERE id_client = ?`, [
    Number(v.montant),
    v.idClient,
  ]);
  return idPaiement;
}

/** G9's allocation statements: one more paiements_factures row for an existing payment. */
export async function glouxAllocation(
  side: GlouxSide,
  v: { idPaiement: number; idFacture: number; montant: string; at: string },
): Promise<void> {
  await exec(side, `INSERT INTO paiements_factures VALUES (?, ?, ?, ?)`, [
    v.idPaiement,
    v.idFacture,
    v.montant,
    v.at,
  ]);
  await exec(side, `UPDATE factures SET montant_regle = montant_regle + ? WHERE id_facture = ?`, [
    v.montant,
    v.idFacture,
  ]);
  await exec(
    side,
    `UPDATE factures SET date_reglement = CASE WHEN montant_regle >= total_ttc THEN ? ELSE date_reglement END,
        statut = CASE WHEN montant_regle >= total_ttc THEN 'payee' ELSE statut END WHERE id_facture = ?`,
    [v.at, v.idFacture],
  );
}

/**
 * An avoir as Gloux writes one: number from G1 (Gloux's invoice counter; `numero` forces a
 * hand-typed one), type 'avoir' citing its invoice, negative FLOAT lines and totals with the
 * VAT computed on the total, statut 'emise'; the invoice set 'annulee' when the avoir cancels
 * it, and the customer's balance raised. Text as UTF-8 bytes over the latin1 connection.
 */
export async function glouxAvoir(
  side: GlouxSide,
  v: {
    idClient: number;
    idFactureOrigine: number;
    date: string;
    lines: { libelle: string; montantHt: number; taux?: number }[];
    annule?: boolean;
    numero?: string;
  },
): Promise<{ idFacture: number; numero: string; total: string }> {
  const numero = v.numero ?? (await glouxInvoiceNumber(side, Number(v.date.slice(0, 4))));
  const net = v.lines.reduce((s, l) => s + Math.round(l.montantHt * 100), 0);
  const vat = Math.round((net * (v.lines[0]?.taux ?? 19.6)) / 100);
  const total = net + vat;
  const euros = (c: number) => (-c / 100).toFixed(2);
  const text = (s: string) => (side.conn ? Buffer.from(s, 'utf8') : s);
  const idFacture = await exec(
    side,
    `INSERT INTO factures (numero, id_client, id_tiers, adresse_facturation, date_facture, date_echeance, total_ht, total_tva, total_ttc, montant_regle, statut, type_facture, id_facture_origine, cree_le)
     VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, 0, 'emise', 'avoir', ?, 0)`,
    [
      numero,
      v.idClient,
      text('Client Gloux\nAdresse'),
      v.date,
      v.date,
      euros(net),
      euros(vat),
      euros(total),
      v.idFactureOrigine,
    ],
  );
  await glouxLines(side, idFacture, v.idClient, v.date, v.lines, -1);
  if (v.annule)
    await exec(side, `UPDATE factures SET statut = 'annulee' WHERE id_facture = ?`, [
      v.idFactureOrigine,
    ]);
  await exec(side, `UPDATE clients SET solde = solde + ? WHERE id_client = ?`, [
    total / 100,
    v.idClient,
  ]);
  return { idFacture, numero, total: euros(total) };
}

/** G2: the next share number, drawn from Gloux's counter. */
export async function glouxShareNumber(side: GlouxSide): Promise<number> {
  if (side.conn) {
    await runGloux(side.conn, glouxStatement('G2'));
    const [row] = await one<{ n: number }>(side, `SELECT LAST_INSERT_ID() AS n`);
    return Number(row?.n);
  }
  const [row] = await side.q.query<{ valeur: number }>(
    `UPDATE compteurs SET valeur = valeur + 1 WHERE nom = 'part_sociale' RETURNING valeur`,
  );
  return Number(row?.valeur);
}

/** tiers.nb_parts moved by `delta` and societaire set from it, as Gloux's share forms do. */
async function glouxMemberCount(side: GlouxSide, idTiers: number, delta: number): Promise<void> {
  await exec(side, `UPDATE tiers SET nb_parts = nb_parts + ? WHERE id_tiers = ?`, [delta, idTiers]);
  await exec(
    side,
    `UPDATE tiers SET societaire = CASE WHEN nb_parts > 0 THEN 'O' ELSE 'N' END WHERE id_tiers = ?`,
    [idTiers],
  );
}

/**
 * A subscription as Gloux's form records it: one G2 number per share, the row ('liberee' with
 * its payment when paid at once), then the member's count. Returns the numbers.
 */
export async function glouxShares(
  side: GlouxSide,
  v: { idTiers: number; count: number; date: string; idPaiement?: number },
): Promise<number[]> {
  const numbers: number[] = [];
  for (let i = 0; i < v.count; i++) {
    const n = await glouxShareNumber(side);
    const paid = v.idPaiement !== undefined;
    await exec(
      side,
      `INSERT INTO parts_sociales (numero, id_tiers, valeur_nominale, date_souscription, date_liberation, id_paiement, etat, date_sortie)
       VALUES (?, ?, 16.00, ?, ?, ?, ?, '0000-00-00')`,
      [
        n,
        v.idTiers,
        v.date,
        paid ? v.date : '0000-00-00',
        v.idPaiement ?? 0,
        paid ? 'liberee' : 'souscrite',
      ],
    );
    numbers.push(n);
  }
  await glouxMemberCount(side, v.idTiers, v.count);
  return numbers;
}

/** Gloux records a share paid up (libérée) by one of its payments. */
export async function glouxSharePaid(
  side: GlouxSide,
  v: { numero: number; date: string; idPaiement: number },
): Promise<void> {
  await exec(
    side,
    `UPDATE parts_sociales SET etat = 'liberee', date_liberation = ?, id_paiement = ? WHERE numero = ?`,
    [v.date, v.idPaiement, v.numero],
  );
}

/** Gloux records a share leaving the capital: redeemed, cancelled, or transferred. */
export async function glouxShareExit(
  side: GlouxSide,
  v: {
    numero: number;
    etat: 'remboursee' | 'annulee' | 'cedee';
    date: string;
    cessionnaire?: number;
  },
): Promise<void> {
  const [row] = await one<{ id_tiers: number }>(
    side,
    `SELECT id_tiers FROM parts_sociales WHERE numero = ?`,
    [v.numero],
  );
  await exec(
    side,
    `UPDATE parts_sociales SET etat = ?, date_sortie = ?, id_tiers_cessionnaire = ? WHERE numero = ?`,
    [v.etat, v.date, v.cessionnaire ?? 0, v.numero],
  );
  await glouxMemberCount(side, Number(row?.id_tiers), -1);
}
