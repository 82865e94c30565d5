import type { Queryable } from '../src/kernel/database/db.js';

/**
 * Demo mail redirections (embedded SQLite demo only), as Gloux's pages write them: Anne's
 * contact address on her domain forwarded to her provider's box (an outside address, so the
 * hosting page shows the SPF note). Gloux's own row: gloux2 lists it, changes and removes it.
 */
export async function seedLegacyDemoRedirections(q: Queryable): Promise<void> {
  await q.execute(
    `INSERT INTO mails_redirections (id_hebergement, source, destinations, garder_copie, actif)
     VALUES (1, 'contact@anne-lefevre.fr', 'anne.lefevre@fai.example', 0, 'Y')`,
  );
}
