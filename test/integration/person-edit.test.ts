import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '../../domain/shared/errors.js';
import { driftReport } from '../../legacy-sync/legacy-drift.js';
import { readTiers } from '../../legacy-sync/legacy-members.js';
import { LEGACY_SYNC_CHECKPOINT } from '../../legacy-sync/legacy-sync.worker.js';
import {
  UpdatePersonCommand,
  type UpdatePersonResult,
} from '../../src/auth/update-person.command.js';
import { AppHarness } from '../support/app-harness.js';
import { dialects, type TestDatabase } from '../support/databases.js';
import { describeDrift, SAMPLE_DRIFT, startOnGlouxSample } from '../support/legacy-ingest-setup.js';
import { snapshotReadModels } from '../support/read-models.js';

jest.setTimeout(60_000);

/**
 * Issue 15 item 2: an admin's edit of a person is a command (PersonDetailsChanged on the
 * person's stream) and reaches Gloux's `tiers` through the legacy-sync mirror.
 */
describe.each(dialects)('the person edit on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;

  beforeAll(async () => {
    const sample = await startOnGlouxSample(dialect);
    ({ database, app } = sample);
    // Gloux's sample taken in: the drift report says only what the sample itself holds.
    await sample.ingester.backfill();
    await app.syncLegacy();
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const update = (input: Record<string, unknown>) =>
    app.context
      .get(CommandBus)
      .execute<UpdatePersonCommand, UpdatePersonResult>(
        new UpdatePersonCommand('1', input, 'admin:test'),
      );

  const drift = () => app.db.run((q) => driftReport(q));

  /** Gloux's own reading of the row: its latin1 columns hold the UTF-8 bytes its pages wrote. */
  async function glouxTiers(): Promise<{ nom: string; adresse: string; telephone: string }> {
    const col = (c: string) =>
      database.gloux ? `CONVERT(CAST(${c} AS BINARY) USING utf8mb4) AS ${c}` : c;
    const sql = `SELECT ${col('nom')}, ${col('adresse')}, ${col('telephone')} FROM tiers WHERE id_tiers = 1`;
    if (!database.gloux) {
      const [row] = await app.db.query<{ nom: string; adresse: string; telephone: string }>(sql);
      return row!;
    }
    await database.gloux.query('SET NAMES utf8mb4');
    try {
      const [rows] = (await database.gloux.query(sql)) as unknown as [
        { nom: string; adresse: string; telephone: string }[],
      ];
      return rows[0]!;
    } finally {
      await database.gloux.query('SET NAMES latin1');
    }
  }

  const personEvents = () =>
    app.db.query<{ stream_id: string; data: string; metadata: string }>(
      `SELECT stream_id, data, metadata FROM g2_events WHERE type = 'PersonDetailsChanged' ORDER BY position`,
    );

  const formOf = async () => {
    const t = (await app.db.run((q) => readTiers(q, '1')))!;
    return {
      nom: t.lastName,
      prenom: t.firstName,
      raison_sociale: t.company,
      adresse: t.address,
      code_postal: t.postalCode,
      ville: t.city,
      email: t.email,
      telephone: t.phone,
    };
  };

  it('records the fields that changed and lands them in Gloux’s tiers as Gloux writes text', async () => {
    const driftBefore = await drift();
    const before = await formOf();
    const result = await update({
      ...before,
      nom: 'Lefèvre-Ñúñez',
      adresse: '5 quai de l’Œuvre',
      telephone: '04 00 00 00 00',
    });
    expect(result).toEqual({
      customerId: '1',
      tiersId: '1',
      changed: ['lastName', 'address', 'phone'],
    });
    // The command answers once the mirror has written Gloux's row.
    expect(await glouxTiers()).toEqual({
      nom: 'Lefèvre-Ñúñez',
      adresse: '5 quai de l’Œuvre',
      telephone: '04 00 00 00 00',
    });
    const [event, ...more] = await personEvents();
    expect(more).toEqual([]);
    expect(event?.stream_id).toBe('person-1');
    expect(JSON.parse(event!.data)).toEqual({
      tiersId: '1',
      customerId: '1',
      changes: [
        { field: 'lastName', from: before.nom, to: 'Lefèvre-Ñúñez' },
        { field: 'address', from: before.adresse, to: '5 quai de l’Œuvre' },
        { field: 'phone', from: before.telephone, to: '04 00 00 00 00' },
      ],
    });
    expect(JSON.parse(event!.metadata)).toMatchObject({
      actor: 'admin:test',
      source: 'g2',
      commandType: 'UpdatePerson',
    });
    // Nothing the drift report compares moved; the read models rebuild to the same rows.
    expect(describeDrift(driftBefore)).toEqual(SAMPLE_DRIFT);
    expect(await drift()).toEqual(driftBefore);
    const snapshot = () => snapshotReadModels((table) => app.db.query(`SELECT * FROM ${table}`));
    const live = await snapshot();
    await app.pipeline.rebuild();
    expect(await snapshot()).toEqual(live);
  });

  it('records nothing for an edit that changes nothing, and refuses bad input without writing', async () => {
    const form = await formOf();
    expect((await update(form)).changed).toEqual([]);
    const refusal = await update({ ...form, ville: 'é'.repeat(51) }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).field).toBe('ville');
    expect(await formOf()).toEqual(form);
    const unknown = app.context
      .get(CommandBus)
      .execute(new UpdatePersonCommand('999999', form, 'admin:test'));
    await expect(unknown).rejects.toMatchObject({ code: 'not_found' });
    expect(await personEvents()).toHaveLength(1);
  });

  it('a mirror replayed late never undoes what Gloux changed meanwhile', async () => {
    const form = await formOf();
    await update({ ...form, telephone: '05 55 55 55 55', ville: 'Lyon' });
    // Gloux's own page changes the phone; then the mirror runs the log again from the start.
    await app.db.query(`UPDATE tiers SET telephone = '06 66 66 66 66' WHERE id_tiers = 1`);
    await app.db.query(`UPDATE g2_checkpoints SET position = 0 WHERE name = ?`, [
      LEGACY_SYNC_CHECKPOINT,
    ]);
    await app.syncLegacy();
    expect(await formOf()).toEqual({ ...form, telephone: '06 66 66 66 66', ville: 'Lyon' });
    // The next edit is decided against Gloux's row as it is.
    await update({ ...form, telephone: '07 77 77 77 77', ville: 'Lyon' });
    const [, , last] = await personEvents();
    expect(JSON.parse(last!.data).changes).toEqual([
      { field: 'phone', from: '06 66 66 66 66', to: '07 77 77 77 77' },
    ]);
    expect((await formOf()).telephone).toBe('07 77 77 77 77');
  });
});
