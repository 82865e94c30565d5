import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '../shared/decider.testkit.js';
import { Money } from '../shared/money.js';
import { refusalOf, shareContext } from './share.testkit.js';
import type { ImportedShare, ShareEvent } from './events.js';
import {
  capitalOn,
  currentCapital,
  heldBy,
  highestCapital,
  evolveShareCapital,
  importedInterval,
  initialShareCapitalState,
  legacyShareAnomalies,
  foldShareCapital,
  type ShareCapitalState,
} from './share-capital.js';
import {
  decideCancelShares,
  decidePayUpShares,
  decideRedeemShares,
  decideSubscribeShares,
  decideTransferShares,
  decideWithdrawRedemption,
  newLegacyShares,
  type ShareContext,
} from './share-movements.js';

const TODAY = '2026-11-25';

const ctx = (overrides: Partial<ShareContext> = {}): ShareContext => ({
  ...shareContext(TODAY),
  ...overrides,
});

/** Gloux's sample rows (sample-data.sql). */
const sample: ImportedShare[] = [
  share(2207, '1', 'liberee', '2004-03-02', '2004-03-02', null),
  share(10398, '1', 'liberee', '2008-03-18', '2008-03-20', null, 501),
  share(10399, '1', 'remboursee', '2008-03-18', '2008-03-20', '2009-06-30', 501),
  share(10400, '2', 'souscrite', '2007-09-12', null, null),
];

function share(
  number: number,
  tiersId: string,
  state: ImportedShare['state'],
  subscribedOn: string | null,
  paidOn: string | null,
  exitOn: string | null,
  legacyPaymentId = 0,
): ImportedShare {
  return {
    number,
    tiersId,
    nominal: '16.00',
    state,
    subscribedOn,
    paidOn,
    legacyPaymentId,
    exitOn,
    transfereeTiersId: null,
  };
}

const imported = (shares: ImportedShare[], importedOn = TODAY): ShareCapitalState =>
  foldShareCapital([{ type: 'LegacySharesImported', data: { importedOn, shares } }]);

const refusal = refusalOf;

describe('Gloux’s shares imported', () => {
  it('give the capital of every day: 48.00 today, 64.00 until 10399 was refunded', () => {
    const s = imported(sample);
    expect(currentCapital(s).toString()).toBe('48.00');
    expect(capitalOn(s, '2009-06-29').toString()).toBe('64.00');
    expect(capitalOn(s, '2009-06-30').toString()).toBe('48.00');
    expect(capitalOn(s, '2004-03-01').toString()).toBe('0.00');
    expect(highestCapital(s).toString()).toBe('64.00');
    expect(heldBy(s, '1').map((x) => x.number)).toEqual([2207, 10398]);
    expect(s.lastMovementOn).toBe('2009-06-30');
  });

  it('count a share with a zero subscription date from the import day, and say so', () => {
    const undated = share(10500, '3', 'souscrite', null, null, null);
    expect(importedInterval(undated, TODAY)).toEqual({ heldFrom: TODAY, heldUntil: null });
    expect(legacyShareAnomalies(undated, TODAY)).toEqual([
      'Part n° 10500 (tiers 3) : date de souscription inconnue (0000-00-00) ; comptée dans le capital à partir du 25/11/2026, jour de l’import.',
    ]);
    const s = imported([undated]);
    expect(capitalOn(s, '2026-11-24').toString()).toBe('0.00');
    expect(capitalOn(s, TODAY).toString()).toBe('16.00');
  });

  it('leave an exit with no date out of the dated history, and report it', () => {
    const gone = share(10501, '3', 'remboursee', '2010-01-01', null, null);
    expect(importedInterval(gone, TODAY)).toEqual({
      heldFrom: '2010-01-01',
      heldUntil: '2010-01-01',
    });
    expect(legacyShareAnomalies(gone, TODAY)).toEqual([
      'Part n° 10501 (tiers 3) : remboursee sans date de sortie (0000-00-00) ; absente de l’historique daté du capital.',
    ]);
    expect(currentCapital(imported([gone])).toString()).toBe('0.00');
    expect(highestCapital(imported([gone])).toString()).toBe('0.00');
  });

  it('are imported once, keyed by share number', () => {
    const s = imported(sample);
    expect(
      newLegacyShares(s, [...sample, share(10401, '2', 'souscrite', '2009-01-01', null, null)]),
    ).toHaveLength(1);
  });
});

describe('share movements', () => {
  const base = () => imported(sample);

  it('subscribe: the drawn numbers, counted from the day; paid up at once when asked', () => {
    const events = decideSubscribeShares(
      base(),
      { tiersId: '3', count: '2', on: TODAY, paid: true },
      { ...ctx(), numbers: [10414, 10413] },
    );
    expect(events.map((e) => e.type)).toEqual(['SharesSubscribed', 'SharesPaidUp']);
    expect(events[0]!.data).toMatchObject({
      tiersId: '3',
      numbers: [10413, 10414],
      nominal: '16.00',
    });
    const s = foldShareCapital(events, base());
    expect(currentCapital(s).toString()).toBe('80.00');
    expect(heldBy(s, '3').map((x) => x.state)).toEqual(['liberee', 'liberee']);
  });

  it('subscribe: refuses a number the register already knows (the counter went back)', () => {
    const error = refusal(() =>
      decideSubscribeShares(
        base(),
        { tiersId: '3', count: 1, on: TODAY },
        { ...ctx(), numbers: [10399] },
      ),
    );
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/10399, déjà attribué/);
  });

  it.each([
    [{ count: 0 }, 'count', 'Le nombre de parts doit être d’au moins 1.'],
    [{ count: -3 }, 'count', 'Le nombre de parts doit être d’au moins 1.'],
    [{ count: '1.5' }, 'count', 'Le nombre de parts doit être un nombre entier.'],
    [{ tiersId: 'abc' }, 'tiersId', 'Numéro de tiers invalide.'],
    [{ tiersId: '77' }, 'tiersId', 'Tiers n° 77 inconnu dans Gloux.'],
    [{ on: '2026-11-26' }, 'on', 'La date ne peut pas être dans le futur.'],
    [{ on: '0000-00-00' }, 'on', 'La date est invalide (AAAA-MM-JJ).'],
    [
      { on: '2009-06-29' },
      'on',
      'Le registre des mouvements de titres est tenu dans l’ordre des dates : la date ne peut pas précéder le dernier mouvement (30/06/2009).',
    ],
  ])('subscribe: refuses %j', (input, field, message) => {
    const error = refusal(() =>
      decideSubscribeShares(
        base(),
        { tiersId: '3', count: 1, on: TODAY, ...input },
        { ...ctx(), numbers: [10413] },
      ),
    );
    expect([error.field, error.message]).toEqual([field, message]);
  });

  /** Gloux's sample rows, as the event that took them in. */
  const sampleImported: ShareEvent = {
    type: 'LegacySharesImported',
    data: { importedOn: TODAY, shares: sample },
  };
  const spec = <C>(decide: (s: ShareCapitalState, c: C, x: ShareContext) => ShareEvent[]) =>
    deciderSpec({ initial: initialShareCapitalState, evolve: evolveShareCapital, decide });

  it('pay up by cheque: the payment and its method follow the paying-up (5112 until deposited)', () => {
    const payUp = spec(decidePayUpShares).given(sampleImported);
    const [paid, payment] = payUp
      .when(
        { tiersId: '2', numbers: '10400', on: TODAY, method: 'cheque', bank: 'La Banque Postale' },
        ctx(),
      )
      .events();
    expect(payment).toEqual({
      type: 'SharePaymentReceived',
      data: {
        paymentId: expect.any(String),
        liberationId: (paid!.data as { liberationId: string }).liberationId,
        tiersId: '2',
        method: 'cheque',
        amount: '16.00',
        receivedOn: TODAY,
        reference: '',
        bank: 'La Banque Postale',
      },
    });
    expect(payUp.when({ tiersId: '2', numbers: '10400', on: TODAY }, ctx()).events()).toHaveLength(
      1,
    );
    expect(
      payUp
        .when({ tiersId: '2', numbers: '10400', on: TODAY, method: 'bitcoin' }, ctx())
        .thenThrows('invalid_input').message,
    ).toBe('Mode de paiement invalide : chèque, virement ou espèces.');
  });

  it('pay up: only subscribed shares, not before their subscription', () => {
    const payUp = spec(decidePayUpShares).given(sampleImported);
    const [e] = payUp
      .when({ tiersId: '2', numbers: '10400', on: TODAY, legacyPaymentId: '502' }, ctx())
      .events();
    expect(e!.data).toMatchObject({ numbers: [10400], legacyPaymentId: 502 });
    payUp.when({ tiersId: '1', numbers: '2207', on: TODAY }, ctx()).thenThrows('already_paid');
    expect(
      payUp
        .when({ tiersId: '2', numbers: '10400', on: '2007-09-11' }, ctx())
        .thenThrows('invalid_input').message,
    ).toBe('La libération ne peut pas précéder la souscription de la part n° 10400 (12/09/2007).');
  });

  it('transfer: new numbers for the transferee with the paid-up state; the capital stays', () => {
    const events = decideTransferShares(
      base(),
      { fromTiersId: '1', toTiersId: '2', numbers: [2207, 10398], on: TODAY },
      { ...ctx(), numbers: [10413, 10414] },
    );
    const s = foldShareCapital(events, base());
    expect(currentCapital(s).toString()).toBe('48.00');
    expect(heldBy(s, '1')).toEqual([]);
    expect(heldBy(s, '2').map((x) => [x.number, x.state])).toEqual([
      [10400, 'souscrite'],
      [10413, 'liberee'],
      [10414, 'liberee'],
    ]);
    expect(s.shares.get(2207)).toMatchObject({
      state: 'cedee',
      exitOn: TODAY,
      transfereeTiersId: '2',
    });
  });

  it('transfer: refuses a non-member, an unknown tiers, oneself and shares not held', () => {
    const t = (input: object) =>
      refusal(() =>
        decideTransferShares(
          base(),
          { fromTiersId: '1', toTiersId: '2', numbers: '2207', on: TODAY, ...input },
          { ...ctx(), numbers: [10413] },
        ),
      );
    expect(t({ toTiersId: '3' }).code).toBe('not_a_member');
    expect(t({ toTiersId: '9' }).code).toBe('not_found');
    expect(t({ toTiersId: '1' }).message).toBe('Le cédant et le cessionnaire sont le même tiers.');
    expect(t({ numbers: '10399' }).message).toBe(
      'La part n° 10399 n’est plus détenue (remboursée).',
    );
    expect(t({ numbers: '12' }).code).toBe('not_found');
  });

  it('redeem: refuses shares one does not hold', () => {
    expect(
      spec(decideRedeemShares)
        .given(sampleImported)
        .when({ tiersId: '2', numbers: '2207', on: TODAY }, ctx())
        .thenThrows('invalid_input').message,
    ).toBe('La part n° 2207 n’appartient pas au tiers n° 2.');
  });

  it('queue: shares locked; a later request waits behind even if it fits; a withdrawal lets it through', () => {
    const queue = ctx({
      rules: { nominal: Money.of('16.00'), statutoryFloor: Money.of('30.00'), policy: 'queue' },
    });
    let s = base(); // 48.00; floor 30.00 (statutes) above 64.00 ÷ 4
    const first = decideRedeemShares(s, { tiersId: '1', numbers: '2207, 10398', on: TODAY }, queue);
    expect(first.map((e) => e.type)).toEqual(['ShareRedemptionQueued']); // 16.00 < 30.00
    s = foldShareCapital(first, s);
    expect(
      refusal(() => decideRedeemShares(s, { tiersId: '1', numbers: '2207', on: TODAY }, queue))
        .message,
    ).toBe('La part n° 2207 est en attente de remboursement.');
    // 48 − 16 = 32 ≥ 30 would fit, but first in, first out.
    const second = decideRedeemShares(s, { tiersId: '2', numbers: '10400', on: TODAY }, queue);
    expect(second.map((e) => e.type)).toEqual(['ShareRedemptionQueued']);
    s = foldShareCapital(second, s);
    const requestId = (first[0] as Extract<ShareEvent, { type: 'ShareRedemptionQueued' }>).data
      .requestId;
    const withdrawn = decideWithdrawRedemption(s, { requestId, on: TODAY }, queue);
    expect(withdrawn.map((e) => e.type)).toEqual(['ShareRedemptionWithdrawn', 'SharesRedeemed']);
    s = foldShareCapital(withdrawn, s);
    expect(s.queue).toEqual([]);
    expect(s.shares.get(2207)!.pendingRequestId).toBeNull();
    expect(s.shares.get(10400)!.state).toBe('remboursee');
    expect(currentCapital(s).toString()).toBe('32.00');
  });

  it('cancel: only shares never paid up', () => {
    expect(
      refusal(() => decideCancelShares(base(), { tiersId: '1', numbers: '2207', on: TODAY }, ctx()))
        .message,
    ).toBe('La part n° 2207 est libérée : elle ne peut pas être annulée, seulement remboursée.');
    const s = foldShareCapital(
      decideCancelShares(base(), { tiersId: '2', numbers: '10400', on: TODAY }, ctx()),
      base(),
    );
    expect(currentCapital(s).toString()).toBe('32.00');
    expect(s.shares.get(10400)!.state).toBe('annulee');
  });

  it('starts empty', () => {
    expect(currentCapital(initialShareCapitalState).toString()).toBe('0.00');
  });
});
