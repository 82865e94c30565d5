import type { FtpAccountKind } from '../../../domain/hosting/ftp-events.js';
import type { LegacyHosting } from '../../../legacy-sync/legacy-hosting-inventory.js';
import { decodeLegacyText, legacyTextSelect } from '../../../legacy-sync/legacy-text.js';
import type { Db } from '../../kernel/database/db.js';
import type { HostingSection } from '../hosting-sections.js';
import { loadFtpAccounts } from './ftp-accounts.handler.js';

const KIND_TEXT: Readonly<Record<FtpAccountKind, string>> = {
  master: 'principal',
  vhost: 'espace web',
  supplementary: 'supplémentaire',
};

/**
 * The hosting page's FTP accounts: Gloux's `ftp` rows (what pure-ftpd serves) with the kind
 * gloux2 recorded, and the accounts created in the panel that the mirror has not written yet
 * (« en cours d’application »). Folders are shown relative to the hosting's root.
 */
export function ftpSection(db: Db): HostingSection {
  return {
    key: 'ftp',
    order: 30,
    title: 'Comptes FTP',
    partial: 'hosting_ftp',
    read: async (hosting: LegacyHosting) =>
      db.run(async (q) => {
        const { state } = await loadFtpAccounts(q, hosting.hostingId);
        const recorded = new Map(Object.values(state.accounts).map((a) => [a.login, a]));
        const rows = await q.query<{ login: unknown; repertoire: unknown; actif: string }>(
          `SELECT ${legacyTextSelect('login', q.dialect)} AS login,
                  ${legacyTextSelect('repertoire', q.dialect)} AS repertoire, actif
             FROM ftp WHERE id_hebergement = ? ORDER BY login`,
          [hosting.hostingId],
        );
        const relative = (dir: string) =>
          dir === hosting.directory
            ? '/'
            : dir.startsWith(`${hosting.directory}/`)
              ? dir.slice(hosting.directory.length)
              : dir;
        const live = rows.map((r) => {
          const login = decodeLegacyText(r.login as Buffer | string);
          const account = recorded.get(login);
          const kind: FtpAccountKind | null =
            account?.kind ?? (login === hosting.name ? 'master' : null);
          return {
            login,
            kind,
            kindText: kind ? KIND_TEXT[kind] : 'créé dans Gloux',
            folder: relative(decodeLegacyText(r.repertoire as Buffer | string)),
            active: r.actif === 'Y',
            pending: false,
            // Only accounts gloux2 recorded change here (Gloux's own ones: in Gloux until imported).
            managed: account !== undefined,
            supplementary: account?.kind === 'supplementary',
            path: account?.path ?? '',
          };
        });
        const shown = new Set(live.map((a) => a.login));
        const pending = [...recorded.values()]
          .filter((a) => !shown.has(a.login))
          .map((a) => ({
            login: a.login,
            kind: a.kind,
            kindText: KIND_TEXT[a.kind],
            folder: a.path === '' ? '/' : `/${a.path}`,
            active: true,
            pending: true,
            managed: true,
            supplementary: a.kind === 'supplementary',
            path: a.path,
          }));
        return { accounts: [...live, ...pending] };
      }),
  };
}
