import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '../../domain/shared/errors.js';
import { Dec } from '../../domain/shared/money.js';
import {
  capitalOnDay,
  currentCapital,
  highestCapital,
  membersWithVotingRights,
  redemptionRequests,
  shareRegister,
  sharesOfTiers,
} from '../../projections/shares/shares.queries.js';
import {
  CancelSharesCommand,
  ImportLegacySharesCommand,
  PayRedemptionCommand,
  PayUpSharesCommand,
  RedeemSharesCommand,
  SubscribeSharesCommand,
  TransferSharesCommand,
  WithdrawRedemptionCommand,
  type ImportLegacySharesResult,
  type PayRedemptionResult,
  type ShareMovementResult,
} from '../../src/shares/shares.commands.js';
import { SharesPages } from '../../src/shares/shares-pages.service.js';
import { FecService } from '../../src/bank/fec.service.js';
import { AppHarness } from '../support/app-harness.js';
import {
  createTestDatabase,
  dialects,
  glouxStatement,
  runGloux,
  type TestDatabase,
} from '../support/databases.js';
import { snapshotReadModels } from '../support/read-models.js';
import { loadSampleDataIntoSqlite } from '../support/sqlite-sample-data.js';

jest.setTimeout(120_000);

const cents = (v: unknown) => new Dec(String(v)).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);
const TODAY = '2026-11-25';

async function refusal(promise: Promise<unknown>, code: string, field?: string) {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    if (field !== undefined) expect((error as DomainError).field).toBe(field);
    return error as DomainError;
  }
  throw new Error(`expected a DomainError ${code}`);
}

/**
 * Starts the app on Gloux's sample data with its four shares imported (at start-up on MariaDB,
 * where the data is there before the app; by the command on SQLite, where it is loaded after).
 */
async function startOnSample(dialect: (typeof dialects)[number]) {
  const database = await createTestDatabase(dialect);
  const app = await AppHarness.start(database, { now: `${TODAY}T10:00:00Z` });
  if (dialect === 'sqlite') {
    await loadSampleDataIntoSqlite(app.db);
    const first = await importLegacy(app);
    expect(first.imported).toBe(4);
  }
  return { database, app };
}

const importLegacy = (app: AppHarness) =>
  app.context
    .get(CommandBus)
    .execute<ImportLegacySharesCommand, ImportLegacySharesResult>(
      new ImportLegacySharesCommand('test'),
    );

describe.each(dialects)('share capital on %s (Gloux’s sample data)', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;

  beforeAll(async () => {
    ({ database, app } = await startOnSample(dialect));
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const run = (command: object) =>
    app.context.get(CommandBus).execute<object, ShareMovementResult>(command);
  const counter = async () =>
    Number(
      (
        await app.db.query<{ v: number }>(
          `SELECT valeur AS v FROM compteurs WHERE nom = 'part_sociale'`,
        )
      )[0]?.v,
    );
  const glouxShare = async (numero: number) => {
    const [row] = await app.db.query<Record<string, unknown>>(
      `SELECT numero, id_tiers, valeur_nominale, date_souscription, date_liberation, id_paiement, etat,
              date_sortie, id_tiers_cessionnaire FROM parts_sociales WHERE numero = ?`,
      [numero],
    );
    return row && { ...row, valeur_nominale: cents(row.valeur_nominale) };
  };

  /** Gloux's G8, both statements, as Gloux runs them. */
  async function g8(tiersId: number) {
    const [capitalSql, tiersSql] = glouxStatement('G8')
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (database.gloux) {
      const [c] = await runGloux<{ capital: unknown }[]>(database.gloux, capitalSql!);
      const [t] = await runGloux<{ nb_parts: unknown; societaire: string }[]>(
        database.gloux,
        tiersSql!,
        { id_tiers: tiersId },
      );
      return {
        capital: cents(c?.capital),
        nbParts: Number(t?.nb_parts),
        societaire: t?.societaire,
      };
    }
    const [c] = await app.db.query<{ capital: unknown }>(capitalSql!);
    const [t] = await app.db.query<{ nb_parts: unknown; societaire: string }>(
      tiersSql!.replace('@id_tiers', '?'),
      [tiersId],
    );
    return { capital: cents(c?.capital), nbParts: Number(t?.nb_parts), societaire: t?.societaire };
  }

  /** After legacy-sync, G8 says what the read models say: capital, and each tiers' count and flag. */
  async function expectG8Agrees(tiersIds: number[]) {
    await app.syncLegacy();
    const mine = await app.db.run((q) => currentCapital(q));
    for (const tiersId of tiersIds) {
      const held = (await app.db.run((q) => sharesOfTiers(q, String(tiersId)))).filter(
        (s) => s.heldUntil === null,
      ).length;
      expect(await g8(tiersId)).toEqual({
        capital: mine.capital,
        nbParts: held,
        societaire: held > 0 ? 'O' : 'N',
      });
    }
  }

  it('imports Gloux’s four shares: 3 × 16 = 48.00 today, 64.00 before 10399 was refunded in 2009', async () => {
    const again = await importLegacy(app);
    expect(again.imported).toBe(0); // keyed by share number: a second run records nothing
    expect(again.mismatches).toEqual([
      'Tiers n° 3 : nb_parts = 5 dans Gloux, mais 0 part détenue dans parts_sociales.',
    ]);
    const on = (day: string) => app.db.run((q) => capitalOnDay(q, day));
    expect(await on(TODAY)).toEqual({ day: TODAY, capital: '48.00', shares: 3 });
    expect((await on('2009-06-29')).capital).toBe('64.00');
    expect((await on('2009-06-30')).capital).toBe('48.00');
    expect((await on('2008-03-17')).capital).toBe('32.00');
    expect((await on('2007-09-11')).capital).toBe('16.00');
    expect((await on('2004-03-01')).capital).toBe('0.00');
    expect(await app.db.run((q) => highestCapital(q))).toEqual({
      capital: '64.00',
      day: '2008-03-18',
    });
    expect(await app.db.run((q) => membersWithVotingRights(q, TODAY))).toEqual([
      {
        tiersId: '2',
        name: 'Association Les Amis',
        address: '3 place Y, 69001 Lyon',
        shares: 1,
        numbers: '10400',
      },
      {
        tiersId: '1',
        name: 'Lefèvre Anne',
        address: '12 rue X, 75011 Paris',
        shares: 2,
        numbers: '2207, 10398',
      },
    ]);
    expect(
      (await app.db.run((q) => membersWithVotingRights(q, '2008-03-18'))).map((m) => m.numbers),
    ).toEqual(['10400', '2207, 10398–10399']);
    expect(
      (await app.db.run((q) => membersWithVotingRights(q, '2005-01-01'))).map((m) => m.tiersId),
    ).toEqual(['1']);
    // The register keeps Gloux's dates and the refund of 2009.
    const register = await app.db.run((q) => shareRegister(q));
    expect(register.map((r) => [r.day, r.kind, r.numbers])).toEqual([
      ['2004-03-02', 'souscription', '2207'],
      ['2004-03-02', 'liberation', '2207'],
      ['2007-09-12', 'souscription', '10400'],
      ['2008-03-18', 'souscription', '10398'],
      ['2008-03-18', 'souscription', '10399'],
      ['2008-03-20', 'liberation', '10398'],
      ['2008-03-20', 'liberation', '10399'],
      ['2009-06-30', 'remboursement', '10399'],
    ]);
    await expectG8Agrees([1, 2]);
  });

  it('subscribes with numbers from Gloux’s counter (10413…), mirrored so that G8 agrees; nb_parts is recomputed, not incremented', async () => {
    expect(await counter()).toBe(10412);
    const r = await run(
      new SubscribeSharesCommand(
        { tiersId: '3', count: 2, on: TODAY, reference: 'Bulletin 2026-17', paid: true },
        'test',
      ),
    );
    expect(r).toMatchObject({ kind: 'subscription', numbers: '10413–10414', capital: '80.00' });
    expect(await counter()).toBe(10414);
    // Gloux said 5 shares for Webcoop with no row: the rows say 2 now.
    await expectG8Agrees([1, 2, 3]);
    expect(await glouxShare(10413)).toMatchObject({
      id_tiers: 3,
      valeur_nominale: '16.00',
      date_souscription: TODAY,
      date_liberation: TODAY,
      id_paiement: 0,
      etat: 'liberee',
      date_sortie: '0000-00-00',
      id_tiers_cessionnaire: 0,
    });
  });

  it('records a libération with Gloux’s payment id', async () => {
    await run(
      new PayUpSharesCommand(
        { tiersId: '2', numbers: '10400', on: TODAY, reference: 'VIR', legacyPaymentId: 502 },
        'test',
      ),
    );
    await expectG8Agrees([2]);
    expect(await glouxShare(10400)).toMatchObject({
      etat: 'liberee',
      date_souscription: '2007-09-12',
      date_liberation: TODAY,
      id_paiement: 502,
    });
    await refusal(
      run(new PayUpSharesCommand({ tiersId: '2', numbers: '10400', on: TODAY }, 'test')),
      'already_paid',
      'numbers',
    );
  });

  it('transfers: the old number ends cédée naming the transferee, who gets a new number; capital unchanged', async () => {
    const r = await run(
      new TransferSharesCommand(
        { fromTiersId: '1', toTiersId: '2', numbers: '10398', on: TODAY, reference: 'Acte 12' },
        'test',
      ),
    );
    expect(r).toMatchObject({ kind: 'transfer', numbers: '10398', newNumbers: '10415' });
    expect(r.capital).toBe('80.00');
    await expectG8Agrees([1, 2]);
    expect(await glouxShare(10398)).toMatchObject({
      id_tiers: 1,
      etat: 'cedee',
      date_sortie: TODAY,
      id_tiers_cessionnaire: 2,
      id_paiement: 501,
    });
    expect(await glouxShare(10415)).toMatchObject({
      id_tiers: 2,
      etat: 'liberee',
      date_souscription: TODAY,
    });
  });

  it('refuses bad input in French, burning no number', async () => {
    const before = await counter();
    const sub = (input: object) =>
      run(new SubscribeSharesCommand({ tiersId: '3', count: 1, on: TODAY, ...input }, 'test'));
    expect((await refusal(sub({ count: 0 }), 'invalid_input', 'count')).message).toBe(
      'Le nombre de parts doit être d’au moins 1.',
    );
    await refusal(sub({ count: -2 }), 'invalid_input', 'count');
    await refusal(sub({ tiersId: '999' }), 'not_found', 'tiersId');
    await refusal(sub({ on: '2026-11-26' }), 'invalid_input', 'on');
    await refusal(sub({ on: '2026-11-24' }), 'invalid_input', 'on'); // before the last movement
    const transfer = (input: object) =>
      run(
        new TransferSharesCommand(
          { fromTiersId: '1', toTiersId: '3', numbers: '2207', on: TODAY, ...input },
          'test',
        ),
      );
    await refusal(transfer({ toTiersId: '999' }), 'not_found', 'toTiersId');
    expect(await counter()).toBe(before);
    const redeem = (input: object) =>
      run(new RedeemSharesCommand({ tiersId: '1', numbers: '2207', on: TODAY, ...input }, 'test'));
    expect((await refusal(redeem({ numbers: '10400' }), 'invalid_input', 'numbers')).message).toBe(
      'La part n° 10400 n’appartient pas au tiers n° 1.',
    );
    expect((await refusal(redeem({ numbers: '10398' }), 'invalid_input')).message).toBe(
      'La part n° 10398 n’est plus détenue (cédée).',
    );
    expect((await refusal(redeem({ numbers: '99999' }), 'not_found')).message).toBe(
      'La part n° 99999 n’existe pas.',
    );
    await refusal(
      run(new CancelSharesCommand({ tiersId: '1', numbers: '2207', on: TODAY }, 'test')),
      'invalid_input',
      'numbers',
    );
    expect(await counter()).toBe(before);
  });

  it('redeems down to the floor, then refuses with the figures (a quarter of the highest capital, 80.00)', async () => {
    const r = await run(
      new RedeemSharesCommand(
        { tiersId: '2', numbers: '10400, 10415', on: TODAY, reason: 'Retrait' },
        'test',
      ),
    );
    expect(r).toMatchObject({ kind: 'redemption', capital: '48.00', floor: '20.00' });
    await expectG8Agrees([2]);
    expect((await g8(2)).societaire).toBe('N');
    expect(await glouxShare(10400)).toMatchObject({ etat: 'remboursee', date_sortie: TODAY });
    const error = await refusal(
      run(new RedeemSharesCommand({ tiersId: '3', numbers: '10413-10414', on: TODAY }, 'test')),
      'capital_floor',
      'numbers',
    );
    expect(error.message).toBe(
      'Remboursement refusé : le capital passerait de 48,00\u00a0€ à 16,00\u00a0€, sous le quart du capital le plus élevé atteint (80,00\u00a0€ ÷ 4 = 20,00\u00a0€, loi du 10 septembre 1947, art. 13).',
    );
    // Tiers 2 has no share left: not a member, so no transfer to it.
    await refusal(
      run(
        new TransferSharesCommand(
          { fromTiersId: '1', toTiersId: '2', numbers: '2207', on: TODAY },
          'test',
        ),
      ),
      'not_a_member',
      'toTiersId',
    );
    await expectG8Agrees([1, 2, 3]);
  });

  it('pays the redeemed capital back once (4567 → 512), listed until then', async () => {
    const pages = app.context.get(SharesPages);
    const [owed] = (await pages.summary()).toPay;
    expect(owed).toMatchObject({ tiersId: '2', amount: '32.00', on: TODAY, paidOn: null });
    const pay = (on: string) =>
      app.context
        .get(CommandBus)
        .execute<PayRedemptionCommand, PayRedemptionResult>(
          new PayRedemptionCommand(
            { redemptionId: owed!.redemptionId, on, method: 'cheque', reference: '0001234' },
            'test',
          ),
        );
    await refusal(pay('2000-01-01'), 'invalid_input', 'date');
    expect(await pay(TODAY)).toMatchObject({ tiersId: '2', amount: '32.00', on: TODAY });
    expect((await pages.summary()).toPay).toEqual([]);
    await refusal(pay(TODAY), 'already_paid', 'redemptionId');
    const { content } = await app.context.get(FecService).export(Number(TODAY.slice(0, 4)));
    const rows = content
      .toString('latin1')
      .split('\r\n')
      .filter((l) => l.includes('Versement du remboursement de parts sociales 0001234'))
      .map((l) => l.split('\t'));
    expect(rows.map((r) => [r[0], r[4], r[6], r[11], r[12]])).toEqual([
      ['BQ', '4567', 'T2', '32,00', '0,00'],
      ['BQ', '512', '', '0,00', '32,00'],
    ]);
  });

  it('cancels subscribed shares never paid up', async () => {
    const sub = await run(
      new SubscribeSharesCommand({ tiersId: '2', count: 1, on: TODAY }, 'test'),
    );
    expect(sub.numbers).toBe('10416');
    await expectG8Agrees([2]);
    const r = await run(
      new CancelSharesCommand(
        { tiersId: '2', numbers: '10416', on: TODAY, reason: 'Bulletin non signé' },
        'test',
      ),
    );
    expect(r).toMatchObject({ kind: 'cancellation', capital: '48.00' });
    await expectG8Agrees([2]);
    expect(await glouxShare(10416)).toMatchObject({ etat: 'annulee', date_sortie: TODAY });
  });

  it('never reuses a number: a counter set back is refused and the number drawn recorded as a gap', async () => {
    await app.db.query(`UPDATE compteurs SET valeur = 10412 WHERE nom = 'part_sociale'`);
    await refusal(
      run(new SubscribeSharesCommand({ tiersId: '1', count: 1, on: TODAY }, 'test')),
      'conflict',
    );
    const gaps = await app.db.query<{ number: string; reason: string }>(
      `SELECT number, reason FROM g2_number_gaps WHERE counter = 'part_sociale'`,
    );
    expect(gaps.map((g) => g.number)).toEqual(['10413']);
    expect(gaps[0]!.reason).toMatch(/déjà attribué/);
    await app.db.query(`UPDATE compteurs SET valeur = 10416 WHERE nom = 'part_sociale'`);
  });

  it('answers a retried subscription with its first result, drawing nothing more', async () => {
    const input = { tiersId: '1', count: 1, on: TODAY };
    const first = await run(new SubscribeSharesCommand(input, 'test', 'sub-anne-1'));
    const before = await counter();
    const again = await run(new SubscribeSharesCommand(input, 'test', 'sub-anne-1'));
    expect(again).toEqual(first);
    expect(await counter()).toBe(before);
    await expectG8Agrees([1]);
  });

  it('imports a share Gloux issued itself, with a zero date: reported and counted from today, not "long ago"', async () => {
    const n = (await counter()) + 1;
    await app.db.query(`UPDATE compteurs SET valeur = valeur + 1 WHERE nom = 'part_sociale'`);
    await app.db.query(
      `INSERT INTO parts_sociales (numero, id_tiers, valeur_nominale, date_souscription, etat) VALUES (?, 3, 16.00, '0000-00-00', 'souscrite')`,
      [n],
    );
    await app.db.query(`UPDATE tiers SET nb_parts = nb_parts + 1 WHERE id_tiers = 3`);
    const r = await importLegacy(app);
    expect(r.imported).toBe(1);
    expect(r.anomalies).toEqual([
      `Part n° ${n} (tiers 3) : date de souscription inconnue (0000-00-00) ; comptée dans le capital à partir du 25/11/2026, jour de l’import.`,
    ]);
    expect((await app.db.run((q) => capitalOnDay(q, '2026-11-24'))).capital).toBe('48.00');
    expect((await app.db.run((q) => capitalOnDay(q, TODAY))).capital).toBe('80.00');
    await expectG8Agrees([1, 2, 3]);
  });

  it('rebuilds the share read models from position 0 to exactly the live tables', async () => {
    const snapshot = () => snapshotReadModels((table) => app.db.query(`SELECT * FROM ${table}`));
    const live = await snapshot();
    expect(live.g2_rm_capital_days).toHaveLength(5); // 2004, 2007, 2008, 2009 and today
    await app.pipeline.rebuild();
    expect(await snapshot()).toEqual(live);
  });

  it('re-running legacy-sync from the start changes nothing in parts_sociales or tiers', async () => {
    await app.syncLegacy();
    const state = async () =>
      JSON.stringify([
        await app.db.query(`SELECT * FROM parts_sociales ORDER BY numero`),
        await app.db.query(`SELECT id_tiers, nb_parts, societaire FROM tiers ORDER BY id_tiers`),
      ]);
    const before = await state();
    await app.db.query(`UPDATE g2_checkpoints SET position = 0 WHERE name = 'legacy-sync'`);
    await app.syncLegacy();
    expect(await state()).toBe(before);
  });

  it('lets only one of two concurrent redemptions through when both would break the floor', async () => {
    // 80.00 now, highest 80.00: floor 20.00. Either alone fits (32.00 or 48.00 left), not both.
    expect((await app.db.run((q) => currentCapital(q))).capital).toBe('80.00');
    const outcomes = await Promise.allSettled([
      run(
        new RedeemSharesCommand({ tiersId: '3', numbers: '10413-10414, 10418', on: TODAY }, 'test'),
      ),
      run(new RedeemSharesCommand({ tiersId: '1', numbers: '2207, 10417', on: TODAY }, 'test')),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as DomainError).code).toBe('capital_floor');
    const capital = (await app.db.run((q) => currentCapital(q))).capital;
    expect(['32.00', '48.00']).toContain(capital);
    await expectG8Agrees([1, 3]);
  });
});

describe.each(dialects)('share capital with policy "queue" on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;

  beforeAll(async () => {
    process.env.SHARES_FLOOR_POLICY = 'queue';
    try {
      ({ database, app } = await startOnSample(dialect));
    } finally {
      delete process.env.SHARES_FLOOR_POLICY;
    }
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const run = (command: object) =>
    app.context.get(CommandBus).execute<object, ShareMovementResult>(command);

  it('queues a redemption the floor does not allow and executes it after a subscription', async () => {
    // 48.00 now, highest 64.00: floor 16.00. Anne's two shares leave, down to 16.00.
    const first = await run(
      new RedeemSharesCommand({ tiersId: '1', numbers: '2207, 10398', on: TODAY }, 'test'),
    );
    expect(first).toMatchObject({ kind: 'redemption', capital: '16.00' });
    const queued = await run(
      new RedeemSharesCommand({ tiersId: '2', numbers: '10400', on: TODAY }, 'test'),
    );
    expect(queued).toMatchObject({ kind: 'queued', capital: '16.00' });
    await app.syncLegacy();
    const etat = async () =>
      (
        await app.db.query<{ etat: string }>(`SELECT etat FROM parts_sociales WHERE numero = 10400`)
      )[0]?.etat;
    expect(await etat()).toBe('souscrite'); // waiting: still held, still in G8's capital
    const sub = await run(
      new SubscribeSharesCommand({ tiersId: '3', count: 1, on: TODAY }, 'test'),
    );
    expect(sub).toMatchObject({ capital: '16.00', executedRequests: [queued.requestId] });
    await app.syncLegacy();
    expect(await etat()).toBe('remboursee');
    expect((await app.db.run((q) => currentCapital(q))).capital).toBe('16.00');
    expect(
      (await app.db.run((q) => redemptionRequests(q, { all: true }))).map((r) => r.status),
    ).toEqual(['executed']);
    expect(await app.db.run((q) => membersWithVotingRights(q, TODAY))).toEqual([
      {
        tiersId: '3',
        name: 'Webcoop SARL',
        address: '',
        shares: 1,
        numbers: '10413',
      },
    ]);
  });

  it('withdraws a queued redemption: its shares are free again and stay in the capital', async () => {
    const queued = await run(
      new RedeemSharesCommand({ tiersId: '3', numbers: '10413', on: TODAY }, 'test'),
    );
    expect(queued.kind).toBe('queued');
    const withdrawn = await run(
      new WithdrawRedemptionCommand({ requestId: queued.requestId!, on: TODAY }, 'test'),
    );
    expect(withdrawn).toMatchObject({ kind: 'withdrawal', capital: '16.00', executedRequests: [] });
    const requests = await app.db.run((q) => redemptionRequests(q, { all: true }));
    expect(requests.map((r) => [r.status, r.closedOn])).toEqual([
      ['executed', TODAY],
      ['withdrawn', TODAY],
    ]);
    const [share] = await app.db.run((q) => sharesOfTiers(q, '3'));
    expect(share).toMatchObject({ number: 10413, state: 'souscrite', pendingRequestId: null });
    await refusal(
      run(new WithdrawRedemptionCommand({ requestId: queued.requestId!, on: TODAY }, 'test')),
      'not_found',
      'requestId',
    );
  });
});
