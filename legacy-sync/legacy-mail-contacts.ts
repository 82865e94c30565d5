import type { Queryable } from '../src/kernel/database/db.js';
import { decodeLegacyText, legacyTextSelect } from './legacy-text.js';

/** Whom to tell of a hosting's mailboxes, as Gloux knows them (the sentinel, the top over-users). */
export interface HostingContact {
  readonly hostingId: string;
  readonly hostingName: string;
  /** Gloux's hebergements.id_client ('' when the hosting has none). */
  readonly customerId: string;
  readonly name: string;
  readonly email: string;
  /** tiers.telephone; '' when Gloux has none. */
  readonly phone: string;
}

/**
 * The hostings' names and their members' contact details (hebergements → clients → tiers, the
 * billing tiers when the account has one, as for invoices). Unknown ids are left out.
 */
export async function hostingContacts(
  q: Queryable,
  hostingIds: readonly string[],
): Promise<Map<string, HostingContact>> {
  const out = new Map<string, HostingContact>();
  const ids = [...new Set(hostingIds)].filter((id) => /^\d{1,10}$/.test(id)).map(Number);
  const t = (col: string) => `${legacyTextSelect(`t.${col}`, q.dialect)} AS ${col}`;
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    const rows = await q.query<Record<string, unknown>>(
      `SELECT h.id_hebergement, h.nom AS hosting_name, h.id_client,
         ${['nom', 'prenom', 'raison_sociale', 'email', 'telephone'].map(t).join(', ')}
       FROM hebergements h
       LEFT JOIN clients c ON c.id_client = h.id_client
       LEFT JOIN tiers t ON t.id_tiers = CASE WHEN c.id_tiers_facture <> 0 THEN c.id_tiers_facture ELSE c.id_tiers END
       WHERE h.id_hebergement IN (${part.map(() => '?').join(', ')})`,
      part,
    );
    for (const r of rows) {
      const text = (v: unknown) => decodeLegacyText(v as Buffer | string | null).trim();
      const customerId = Number(r.id_client) > 0 ? String(r.id_client) : '';
      const company = text(r.raison_sociale);
      const person = `${text(r.prenom)} ${text(r.nom)}`.trim();
      out.set(String(r.id_hebergement), {
        hostingId: String(r.id_hebergement),
        hostingName: text(r.hosting_name),
        customerId,
        name: company || person || (customerId ? `client ${customerId}` : ''),
        email: text(r.email),
        phone: text(r.telephone),
      });
    }
  }
  return out;
}
