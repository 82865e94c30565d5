import { addDays, type Day } from '../domain/shared/day.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { DISK_READING_MAX_AGE_DAYS } from './legacy-usage.js';
import { legacyDay } from './legacy-rows.js';
import { decodeLegacyText, legacyTextParam, legacyTextSelect } from './legacy-text.js';

/**
 * What the mail accounting reads from Gloux (its `mails` boxes, the hosting's allowances, its
 * latest `mesures_disque` reading) and the one thing it may write there: `mails.utilise_ko`,
 * only when MAIL_USAGE_WRITE_GLOUX is on (Gloux's own cron writes it while Gloux runs).
 */

/** A box of Gloux's `mails`, as the collector measures it. */
export interface LegacyMailbox {
  readonly mailId: number;
  readonly hostingId: number;
  readonly address: string;
  /** mails.maildir: absolute, e.g. /var/mail/example.org/anne/ */
  readonly maildir: string;
  /** mails.quota_mo (0: none). */
  readonly quotaMb: number;
}

/** Every box Gloux has a row for (a disabled box or one waiting for its purge still has its files). */
export async function legacyMailboxes(q: Queryable, hostingId?: number): Promise<LegacyMailbox[]> {
  const rows = await q.query<{
    id_mail: number | string;
    id_hebergement: number | string;
    adresse: unknown;
    maildir: unknown;
    quota_mo: number | string;
  }>(
    `SELECT id_mail, id_hebergement, ${legacyTextSelect('adresse', q.dialect)} AS adresse,
            ${legacyTextSelect('maildir', q.dialect)} AS maildir, quota_mo
       FROM mails${hostingId === undefined ? '' : ' WHERE id_hebergement = ?'} ORDER BY id_mail`,
    hostingId === undefined ? [] : [hostingId],
  );
  return rows.map((r) => ({
    mailId: Number(r.id_mail),
    hostingId: Number(r.id_hebergement),
    address: decodeLegacyText(r.adresse as Buffer | string),
    maildir: decodeLegacyText(r.maildir as Buffer | string),
    quotaMb: Number(r.quota_mo),
  }));
}

/** mails.utilise_ko is an unsigned int: a larger figure is written as its largest value. */
const UTILISE_KO_MAX = 4_294_967_295;

/** Writes each box's figure into Gloux's `mails.utilise_ko` (MAIL_USAGE_WRITE_GLOUX). */
export async function writeLegacyMailUsage(
  q: Queryable,
  figures: readonly { mailId: number; kb: number }[],
): Promise<void> {
  await q.executeEach(
    `UPDATE mails SET utilise_ko = ? WHERE id_mail = ?`,
    figures.map((f) => [Math.min(f.kb, UTILISE_KO_MAX), f.mailId]),
  );
}

/** One line of what a hosting's disk allowance is made of. */
export interface AllowancePart {
  readonly label: string;
  readonly quantity: number;
  readonly diskMb: number;
  readonly mailboxes: number;
}

/** What a hosting is allowed, and the rest of its disk as Gloux last measured it. */
export interface LegacyMailAllowance {
  /** hebergements.quota_disque_mo: plan + disk options (what the overage run compares with). */
  readonly diskQuotaMb: number;
  /** hebergements.nb_mails: boxes included. */
  readonly includedMailboxes: number;
  /** Rows of `mails` for the hosting, as the overage run counts them. */
  readonly mailboxCount: number;
  /** The plan and the options running on the day, with what each adds. */
  readonly parts: readonly AllowancePart[];
  /** Gloux's latest reading within the last 31 days (as the overage run): web and MySQL ko. */
  readonly reading: {
    readonly on: Day;
    readonly webKb: number;
    readonly mysqlKb: number;
    readonly mailKb: number;
  } | null;
}

const DAY_NUMBER = '(m.annee * 10000 + m.mois * 100 + m.jour)';
const dayNumber = (day: Day) => Number(day.replaceAll('-', ''));

/** The allowance of hosting `hostingId` on `on` (null: no such hosting). */
export async function legacyMailAllowance(
  q: Queryable,
  hostingId: number,
  on: Day,
): Promise<LegacyMailAllowance | null> {
  const [h] = await q.query<{
    quota_disque_mo: number | string;
    nb_mails: number | string;
    id_plaque: number | string;
  }>(`SELECT quota_disque_mo, nb_mails, id_plaque FROM hebergements WHERE id_hebergement = ?`, [
    hostingId,
  ]);
  if (!h) return null;
  const products = await q.query<{
    quantite: number | string;
    date_debut: unknown;
    date_fin: unknown;
    libelle: unknown;
    unite: unknown;
    quantite_unite: number | string;
    quota_disque_mo: number | string;
    nb_mails: number | string;
    plan: number | string;
  }>(
    `SELECT 1 AS quantite, NULL AS date_debut, NULL AS date_fin, ${legacyTextSelect('p.libelle', q.dialect)} AS libelle,
            ${legacyTextSelect('p.unite', q.dialect)} AS unite, p.quantite_unite, p.quota_disque_mo, p.nb_mails, 1 AS plan
       FROM produits p WHERE p.id_produit = ?
     UNION ALL
     SELECT o.quantite, o.date_debut, o.date_fin, ${legacyTextSelect('p.libelle', q.dialect)} AS libelle,
            ${legacyTextSelect('p.unite', q.dialect)} AS unite, p.quantite_unite, p.quota_disque_mo, p.nb_mails, 0 AS plan
       FROM hebergements_options o JOIN produits p ON p.id_produit = o.id_produit
      WHERE o.id_hebergement = ?`,
    [Number(h.id_plaque), hostingId],
  );
  const parts: AllowancePart[] = [];
  for (const p of products) {
    const from = legacyDay(p.date_debut);
    const to = legacyDay(p.date_fin);
    if (Number(p.plan) === 0 && ((from !== null && from > on) || (to !== null && to < on)))
      continue;
    const quantity = Number(p.quantite);
    // DISQUE100 says its 100 Mo in its unit; a plan in quota_disque_mo.
    const unitDisk =
      Number(p.quota_disque_mo) > 0
        ? Number(p.quota_disque_mo)
        : decodeLegacyText(p.unite as Buffer | string)
              .trim()
              .toLowerCase() === 'mo'
          ? Number(p.quantite_unite)
          : 0;
    const mailboxes = Number(p.nb_mails) * quantity;
    if (Number(p.plan) === 0 && unitDisk === 0 && mailboxes === 0) continue;
    parts.push({
      label: decodeLegacyText(p.libelle as Buffer | string),
      quantity,
      diskMb: unitDisk * quantity,
      mailboxes,
    });
  }
  const [count] = await q.query<{ n: number | string }>(
    `SELECT COUNT(*) AS n FROM mails WHERE id_hebergement = ?`,
    [hostingId],
  );
  const [reading] = await q.query<{
    d: number | string;
    web_ko: number | string;
    mysql_ko: number | string;
    mail_ko: number | string;
  }>(
    `SELECT ${DAY_NUMBER} AS d, m.web_ko, m.mysql_ko, m.mail_ko FROM mesures_disque m
      WHERE m.id_hebergement = ? AND ${DAY_NUMBER} BETWEEN ? AND ?
      ORDER BY ${DAY_NUMBER} DESC LIMIT 1`,
    [hostingId, dayNumber(addDays(on, 1 - DISK_READING_MAX_AGE_DAYS)), dayNumber(on)],
  );
  const d = reading ? String(reading.d).padStart(8, '0') : '';
  return {
    diskQuotaMb: Number(h.quota_disque_mo),
    includedMailboxes: Number(h.nb_mails),
    mailboxCount: Number(count?.n ?? 0),
    parts,
    reading: reading
      ? {
          on: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`,
          webKb: Number(reading.web_ko),
          mysqlKb: Number(reading.mysql_ko),
          mailKb: Number(reading.mail_ko),
        }
      : null,
  };
}

/** For tests and the demo: a box row as Gloux writes it. */
export async function insertLegacyMailbox(
  q: Queryable,
  box: { hostingId: number; domainId: number; address: string; maildir: string; quotaMb: number },
): Promise<number> {
  const { insertId } = await q.execute(
    `INSERT INTO mails (id_hebergement, id_domaine, adresse, mot_de_passe, maildir, quota_mo) VALUES (?, ?, ?, '', ?, ?)`,
    [
      box.hostingId,
      box.domainId,
      legacyTextParam(box.address, q.dialect),
      legacyTextParam(box.maildir, q.dialect),
      box.quotaMb,
    ],
  );
  return insertId;
}
