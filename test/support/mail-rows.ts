import type { Queryable } from '../../src/kernel/database/db.js';
import { legacyTextSelect } from '../../legacy-sync/legacy-text.js';

/** Gloux's `mails` rows at an address, every column as Gloux holds it (the auto-reply decoded). */
export async function mailRows(q: Pick<Queryable, 'query' | 'dialect'>, address: string) {
  const rows = await q.query<Record<string, unknown>>(
    `SELECT id_mail, id_hebergement, id_domaine, mot_de_passe, maildir, quota_mo, utilise_ko, pop, imap,
            ${legacyTextSelect('repondeur', q.dialect)} AS repondeur, actif FROM mails WHERE adresse = ?`,
    [address],
  );
  return rows.map((r) => ({
    id_mail: Number(r.id_mail),
    id_hebergement: Number(r.id_hebergement),
    id_domaine: Number(r.id_domaine),
    mot_de_passe: String(r.mot_de_passe),
    maildir: String(r.maildir),
    quota_mo: Number(r.quota_mo),
    utilise_ko: Number(r.utilise_ko),
    pop: String(r.pop),
    imap: String(r.imap),
    repondeur: r.repondeur === null ? null : Buffer.from(r.repondeur as Buffer).toString('utf8'),
    actif: String(r.actif),
  }));
}
