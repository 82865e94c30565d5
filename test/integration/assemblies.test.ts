import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import {
  assemblyResolutions,
  attendanceSheet,
  findAssembly,
  minutes,
  searchMembers,
} from '../../projections/assemblies/assemblies.queries.js';
import { membersWithVotingRights } from '../../projections/shares/shares.queries.js';
import {
  ConveneAssemblyCommand,
  RecordAtAssemblyCommand,
  type AssemblyRecording,
  type ConveneAssemblyResult,
  type RecordAtAssemblyResult,
} from '../../src/assemblies/assembly.commands.js';
import { renderAttendanceSheetPdf } from '../../src/assemblies/attendance-sheet-pdf.js';
import {
  ImportLegacySharesCommand,
  SubscribeSharesCommand,
  type ImportLegacySharesResult,
} from '../../src/shares/shares.commands.js';
import type { ConveneAssembly } from '../../domain/assemblies/assembly.js';
import { LIFECYCLE_CONFIG, loadLifecycleConfig } from '../../src/kernel/config.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { pdfText } from '../support/pdf-text.js';
import { refusal } from '../support/refusal.js';
import { snapshotReadModels } from '../support/read-models.js';
import { loadSampleDataIntoSqlite } from '../support/sqlite-sample-data.js';

jest.setTimeout(120_000);

const TODAY = '2026-11-25';
/** Twenty days before TODAY: the statutes' notice (15 days) holds for an assembly on TODAY. */
const CONVENED_ON = '2026-11-05';
const PANEL_URL = 'https://gestion.ouvaton.example';

describe.each(dialects)('general assemblies on %s (Gloux’s sample data)', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let assemblyId: string;
  const resolutions: Record<string, string> = {};

  const bus = () => app.context.get(CommandBus);
  const record = (recording: AssemblyRecording, key?: string) =>
    bus().execute<RecordAtAssemblyCommand, RecordAtAssemblyResult>(
      new RecordAtAssemblyCommand(assemblyId, recording, 'test', key),
    );
  const events = () => app.count('g2_events');
  /** Convened on CONVENED_ON, as the notice requires; the clock is back on TODAY after. */
  const conveneEarlier = async (input: ConveneAssembly, key?: string) => {
    app.clock.set(new Date(`${CONVENED_ON}T10:00:00Z`));
    try {
      return await bus().execute<ConveneAssemblyCommand, ConveneAssemblyResult>(
        new ConveneAssemblyCommand(input, 'test', key),
      );
    } finally {
      app.clock.set(new Date(`${TODAY}T10:00:00Z`));
    }
  };
  const place = 'Maison des associations, 3 place Y, Lyon';
  const readModels = () => snapshotReadModels((table) => app.db.query(`SELECT * FROM ${table}`));

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, {
      now: `${TODAY}T10:00:00Z`,
      overrides: [
        [LIFECYCLE_CONFIG, { ...loadLifecycleConfig({ NODE_ENV: 'test' }), panelUrl: PANEL_URL }],
      ],
    });
    // Gloux's shares: imported at start-up on MariaDB; on SQLite the sample is loaded after.
    if (dialect === 'sqlite') {
      await loadSampleDataIntoSqlite(app.db);
      await bus().execute<ImportLegacySharesCommand, ImportLegacySharesResult>(
        new ImportLegacySharesCommand('test'),
      );
    }
    // Webcoop (tiers 3) subscribes the five shares Gloux's nb_parts says it has.
    await bus().execute(
      new SubscribeSharesCommand(
        { tiersId: '3', count: 5, on: '2026-11-02', paid: true },
        'test',
        'ag-test-webcoop',
      ),
    );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('freezes the members holding a share on the list day, one vote each', async () => {
    const before = await bus().execute<ConveneAssemblyCommand, ConveneAssemblyResult>(
      new ConveneAssemblyCommand(
        {
          kind: 'ordinary',
          heldOn: '2026-12-15',
          startsAt: '18:00',
          place,
          call: 1,
          listOn: '2026-11-01',
        },
        'test',
      ),
    );
    // Before Webcoop's subscription: Anne Lefèvre and Les Amis only.
    expect(before.members).toBe(2);

    const result = await conveneEarlier(
      {
        kind: 'ordinary',
        heldOn: TODAY,
        startsAt: '18:30',
        place,
        call: 1,
        title: 'Exercice 2025',
      },
      'ag-test-convene',
    );
    assemblyId = result.assemblyId;
    const expected = await app.db.run((q) => membersWithVotingRights(q, CONVENED_ON));
    expect(expected.map((m) => m.tiersId).sort()).toEqual(['1', '2', '3']);
    const { members, total } = await app.db.run((q) => searchMembers(q, assemblyId));
    expect(total).toBe(3);
    expect(
      members.map((m) => [m.tiersId, m.name, m.address, m.shares, m.numbers, m.votes]),
    ).toEqual(expected.map((m) => [m.tiersId, m.name, m.address, m.shares, m.numbers, 1]));
    expect(members.find((m) => m.tiersId === '1')).toMatchObject({ shares: 2 });
    expect(members.find((m) => m.tiersId === '3')).toMatchObject({ shares: 5 });
    const assembly = await app.db.run((q) => findAssembly(q, assemblyId));
    expect(assembly).toMatchObject({
      kind: 'ordinary',
      heldOn: TODAY,
      postalDeadline: '2026-11-22',
      listOn: CONVENED_ON,
      startsAt: '18:30',
      startsAtLabel: '18 h 30',
      place,
      agenda: [],
      proxyCap: 2,
      closedOn: null,
      quorum: { members: 3, counted: 0, required: 1, reached: false },
    });
    // The search ignores case and accents.
    const found = await app.db.run((q) => searchMembers(q, assemblyId, { search: 'LEFEVRE' }));
    expect(found.members.map((m) => m.tiersId)).toEqual(['1']);
  });

  it('refuses a convocation that breaks the statutes, listing every problem, and records nothing', async () => {
    const before = await events();
    const error = await refusal(
      bus().execute(
        new ConveneAssemblyCommand({ kind: 'extraordinary', heldOn: TODAY, call: 1 }, 'test'),
      ),
      'invalid_input',
      'startsAt',
    );
    expect((error.details?.['errors'] as { field: string }[]).map((e) => e.field)).toEqual([
      'startsAt',
      'place',
      'heldOn',
      'postalDeadline',
    ]);
    expect(JSON.stringify(error.details)).toContain('au moins 15 jours à l’avance');
    expect(JSON.stringify(error.details)).toContain('est déjà passée');
    expect(await events()).toBe(before);
  });

  it('convenes with time, place and agenda, and mails the convocation to each member with a vote', async () => {
    const held = '2026-12-16';
    const convened = await bus().execute<ConveneAssemblyCommand, ConveneAssemblyResult>(
      new ConveneAssemblyCommand(
        {
          kind: 'ordinary',
          heldOn: held,
          startsAt: '9h30',
          place,
          call: 1,
          title: 'Exercice 2026',
          agenda: [
            { title: 'Approbation des comptes', text: 'L’assemblée approuve les comptes 2026.' },
            { title: 'Affectation du résultat', text: 'Le résultat va en réserve.' },
          ],
        },
        'test',
      ),
    );
    const assembly = await app.db.run((q) => findAssembly(q, convened.assemblyId));
    expect(assembly).toMatchObject({
      startsAt: '09:30',
      place,
      postalDeadline: '2026-12-13',
      agenda: [{ title: 'Approbation des comptes' }, { title: 'Affectation du résultat' }],
    });
    const listed = await app.db.run((q) => assemblyResolutions(q, convened.assemblyId));
    expect(listed.map((r) => [r.number, r.title, r.text, r.byBoard])).toEqual([
      [1, 'Approbation des comptes', 'L’assemblée approuve les comptes 2026.', true],
      [2, 'Affectation du résultat', 'Le résultat va en réserve.', true],
    ]);
    await app.settle();
    // The two assemblies convened before this one were announced too (2 and 3 members).
    expect(await app.count('g2_outbox', "kind = 'convocation'")).toBe(8);
    const mails = await app.db.query<{
      recipient: string;
      customer_id: string;
      subject: string;
      body_text: string;
      body_html: string;
    }>(
      `SELECT recipient, customer_id, subject, body_text, body_html FROM g2_outbox WHERE kind = 'convocation' AND subject LIKE ? ORDER BY recipient`,
      ['%16/12/2026%'],
    );
    expect(mails.map((m) => [m.recipient, m.customer_id])).toEqual([
      ['admin@webcoop.example', '3'],
      ['anne@example.org', '1'],
      ['bureau@asso.example', '2'],
    ]);
    for (const m of mails) {
      expect(m.subject).toBe('Convocation : assemblée générale ordinaire du 16/12/2026 à 9 h 30');
      for (const said of [
        'le 16/12/2026 à 9 h 30',
        place,
        '1. Approbation des comptes',
        '2. Affectation du résultat',
        'Résolution n° 2 — Affectation du résultat\nLe résultat va en réserve.',
        'au plus tard le 13/12/2026',
        `${PANEL_URL}/adherents/${m.customer_id}`,
      ])
        expect(m.body_text).toContain(said);
      expect(m.body_html).toContain(`href="${PANEL_URL}/adherents/${m.customer_id}"`);
      expect(`${m.body_text}${m.body_html}`).not.toContain('localhost');
    }
    // Read again from the start (a crash before the checkpoint moved): no second convocation.
    await app.db.query(`UPDATE g2_checkpoints SET position = 0 WHERE name = 'mail-outbox'`);
    await app.settle();
    expect(await app.count('g2_outbox', "kind = 'convocation'")).toBe(8);
  });

  it('records resolutions, a postal vote, a presence and a proxy; refuses what breaks a rule and changes nothing', async () => {
    for (const [key, text, byBoard] of [
      ['r1', 'Approbation des comptes 2025', true],
      ['r2', 'Motion : baisser le prix de la plaque', false],
    ] as const) {
      const r = await record({ action: 'resolution', text, byBoard }, `ag-test-${key}`);
      resolutions[key] = r.resolutionId!;
    }
    await record({
      action: 'postal',
      tiersId: '2',
      receivedOn: '2026-11-20',
      choices: { [resolutions.r1!]: 'against', [resolutions.r2!]: 'for' },
    });
    await record({ action: 'present', tiersId: '1' });

    const eventsBefore = await events();
    const modelsBefore = await readModels();
    await refusal(record({ action: 'present', tiersId: '1' }), 'already_counted', 'tiersId');
    await refusal(record({ action: 'present', tiersId: '2' }), 'already_counted', 'tiersId');
    await refusal(record({ action: 'present', tiersId: '99' }), 'not_a_member', 'tiersId');
    await refusal(
      record({ action: 'proxy', tiersId: '3', holderId: '99' }),
      'not_a_member',
      'holderId',
    );
    await refusal(
      record({ action: 'proxy', tiersId: '3', holderId: '2' }),
      'holder_absent',
      'holderId',
    );
    const late = await refusal(
      record({ action: 'postal', tiersId: '3', receivedOn: '2026-11-23' }),
      'postal_too_late',
      'receivedOn',
    );
    expect(late.message).toBe(
      'Vote par correspondance reçu le 23/11/2026, après la date limite du 22/11/2026 : il ne peut pas être compté.',
    );
    expect(await events()).toBe(eventsBefore);
    expect(await readModels()).toEqual(modelsBefore);

    const proxy = await record({ action: 'proxy', tiersId: '3', holderId: '1' });
    expect(proxy.quorum).toMatchObject({
      present: 1,
      represented: 1,
      postal: 1,
      counted: 3,
      reached: true,
    });
    const assembly = await app.db.run((q) => findAssembly(q, assemblyId));
    expect(assembly?.quorum).toMatchObject({
      members: 3,
      present: 1,
      represented: 1,
      blankProxies: 0,
      postal: 1,
      counted: 3,
      absent: 0,
      required: 1,
      reached: true,
    });
  });

  it('counts the votes: the room, the postal form, and the majority rule', async () => {
    // Room: Anne and the proxy she holds (2 votes).
    await refusal(
      record({ action: 'vote', resolutionId: resolutions.r1, for: 1, against: 0, abstain: 0 }),
      'invalid_input',
      'for',
    );
    const r1 = await record(
      { action: 'vote', resolutionId: resolutions.r1, for: 2, against: 0, abstain: 0 },
      'ag-test-vote-r1',
    );
    expect(r1.adopted).toBe(true);
    const again = await record(
      { action: 'vote', resolutionId: resolutions.r1, for: 2, against: 0, abstain: 0 },
      'ag-test-vote-r1',
    );
    expect(again).toEqual(r1);
    await record({ action: 'vote', resolutionId: resolutions.r2, for: 0, against: 1, abstain: 1 });
    const views = await app.db.run((q) => assemblyResolutions(q, assemblyId));
    expect(views.map((r) => [r.number, r.vote?.total, r.vote?.voters, r.vote?.adopted])).toEqual([
      [1, { for: 2, against: 1, abstain: 0 }, 3, true],
      [2, { for: 1, against: 1, abstain: 1 }, 3, false],
    ]);
    expect(views[1]?.postal).toEqual({ for: 1, against: 0, abstain: 0 });
  });

  it('prints the attendance sheet (page data and PDF) and the minutes', async () => {
    const sheet = await app.db.run((q) => attendanceSheet(q, assemblyId));
    if (!sheet) throw new Error('no attendance sheet');
    const byId = new Map(sheet.members.map((m) => [m.tiersId, m]));
    const anne = byId.get('1')!;
    expect(anne.status).toBe('Présent, porteur de 1 pouvoir');
    expect(byId.get('3')?.status).toBe(`Représenté par ${anne.name}`);
    expect(byId.get('2')?.status).toBe('Vote par correspondance (reçu le 20/11/2026)');
    expect(sheet.totals).toMatchObject({
      present: { members: 1, shares: 2, votes: 1 },
      represented: { members: 1, shares: 5, votes: 1 },
      postal: { members: 1, shares: 1, votes: 1 },
      counted: { members: 3, shares: 8, votes: 3 },
      absent: { members: 0, shares: 0, votes: 0 },
    });
    expect(sheet.quorumLine).toBe(
      'Quorum (1/5 des sociétaires ayant droit de vote) : 1 sociétaire requis, 3 comptés — atteint.',
    );
    const text = pdfText(await renderAttendanceSheetPdf(sheet, 'Ouvaton'));
    for (const m of sheet.members) expect(text).toContain(m.name);
    expect(text).toContain('Ouvaton — Feuille de présence');
    expect(text).toContain(`Représenté par ${anne.name}`);
    expect(text).toContain('Total des sociétaires comptés 3 8 3');
    expect(text).toContain('Page 1 / 1');

    const m = await app.db.run((q) => minutes(q, assemblyId));
    expect(m?.quorumStatement).toBe(
      '3 sociétaires sur 3 (1 présent, 1 représenté dont 0 par pouvoir en blanc, 1 par correspondance) : le quorum de 1/5 des sociétaires ayant droit de vote (1) est atteint, l’assemblée peut valablement délibérer.',
    );
  });

  it('rebuilds its read models from the log to the same rows', async () => {
    const live = await readModels();
    await app.pipeline.rebuild(['assemblies']);
    expect(await readModels()).toEqual(live);
  });

  it('counts a member once when clerks record them at the same moment', async () => {
    const other = await conveneEarlier({
      kind: 'extraordinary',
      heldOn: TODAY,
      startsAt: '18:30',
      place,
      call: 1,
    });
    const at = (recording: AssemblyRecording) =>
      bus().execute<RecordAtAssemblyCommand, RecordAtAssemblyResult>(
        new RecordAtAssemblyCommand(other.assemblyId, recording, 'test'),
      );
    const outcomes = await Promise.allSettled([
      at({ action: 'present', tiersId: '2' }),
      at({ action: 'proxy', tiersId: '2' }),
      at({ action: 'present', tiersId: '2' }),
      at({ action: 'present', tiersId: '3' }),
    ]);
    const refused = outcomes.flatMap((o) =>
      o.status === 'rejected' ? [(o.reason as { code?: string }).code] : [],
    );
    expect(refused).toEqual(['already_counted', 'already_counted']);
    const assembly = await app.db.run((q) => findAssembly(q, other.assemblyId));
    expect(assembly?.quorum.counted).toBe(2);
    // Convened with its details, then the two recordings.
    expect(await app.count('g2_events', 'stream_id = ?', [`assembly-${other.assemblyId}`])).toBe(4);
  });

  it('refuses every recording once closed', async () => {
    const closed = await record({ action: 'close' });
    expect(closed.recorded).toBe('AssemblyClosed');
    expect((await app.db.run((q) => findAssembly(q, assemblyId)))?.closedOn).toBe(TODAY);
    await refusal(record({ action: 'withdraw', tiersId: '3' }), 'already_closed');
    await refusal(record({ action: 'resolution', text: 'Divers' }), 'already_closed');
  });
});
