import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { driftReport } from '../../legacy-sync/legacy-drift.js';
import { AddDomainCommand, type DomainCommandResult } from '../../src/hosting/domains.commands.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';

jest.setTimeout(180_000);

/**
 * The drift report's hosting side, on both databases: a name gloux2 holds must have its row in
 * Gloux's table on the same hosting once mirrored; a row deleted or moved in Gloux is reported
 * for a person to settle, and nothing is reported while the mirror has not written it yet.
 */
describe.each(dialects)('hosting names in the drift report on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, { now: '2026-12-07T10:00:00Z' });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const add = (hostingId: number, domain: string) =>
    app.context
      .get(CommandBus)
      .execute<AddDomainCommand, DomainCommandResult>(
        new AddDomainCommand(hostingId, { domain, manageDns: false, manageMx: false }, 'test'),
      );
  const exec = (sql: string) => app.db.run((q) => q.execute(sql, []));
  const hostingDrift = async () =>
    (await app.db.run((q) => driftReport(q))).filter((d) => d.area === 'hebergement');

  it('reports nothing for names whose rows the mirror wrote', async () => {
    await add(1, 'present.fr');
    await add(1, 'efface.fr');
    await add(1, 'deplace.fr');
    await app.settle();
    expect(await hostingDrift()).toEqual([]);
  });

  it('reports a row deleted in Gloux and a row moved to another hosting, for Gloux to settle', async () => {
    await exec(`DELETE FROM domaines WHERE domaine = 'efface.fr'`);
    await exec(`UPDATE domaines SET id_hebergement = 2 WHERE domaine = 'deplace.fr'`);
    expect(await hostingDrift()).toEqual([
      {
        area: 'hebergement',
        legacyId: 'deplace.fr',
        label: 'domaine deplace.fr',
        field: 'id_hebergement',
        gloux: 'hébergement n° 2',
        gloux2: 'hébergement n° 1',
        owner: 'gloux',
        repair: null,
      },
      {
        area: 'hebergement',
        legacyId: 'efface.fr',
        label: 'domaine efface.fr',
        field: 'présence',
        gloux: 'absent (supprimé dans Gloux ?)',
        gloux2: 'hébergement n° 1',
        owner: 'gloux',
        repair: null,
      },
    ]);
  });

  it('says nothing of a hosting whose latest events the mirror has not written yet', async () => {
    const [saved] = await app.db.query<{ position: number | string }>(
      `SELECT position FROM g2_checkpoints WHERE name = 'legacy-hosting'`,
    );
    // As if the hosting mirror had not reached hosting 1's events: none of its names is judged.
    await exec(`UPDATE g2_checkpoints SET position = 0 WHERE name = 'legacy-hosting'`);
    expect(await hostingDrift()).toEqual([]);
    await app.db.run((q) =>
      q.execute(`UPDATE g2_checkpoints SET position = ? WHERE name = 'legacy-hosting'`, [
        Number(saved!.position),
      ]),
    );
    expect((await hostingDrift()).map((d) => d.legacyId)).toEqual(['deplace.fr', 'efface.fr']);
  });
});
