import { describe, expect, it } from '@jest/globals';
import { shareRules } from '../shares/share.testkit.js';
import type { ImportedShare, ShareEvent } from '../shares/events.js';
import {
  currentCapital,
  highestCapital,
  foldShareCapital,
  type ShareCapitalState,
} from '../shares/share-capital.js';
import { sharesFromGloux, type GlouxShareContext } from './gloux-shares.js';

const TODAY = '2026-11-25';

const row = (number: number, patch: Partial<ImportedShare> = {}): ImportedShare => ({
  number,
  tiersId: '1',
  nominal: '16.00',
  state: 'liberee',
  subscribedOn: '2020-01-10',
  paidOn: '2020-01-10',
  legacyPaymentId: 0,
  exitOn: null,
  transfereeTiersId: null,
  ...patch,
});

/** A register holding Gloux's rows 1–4 (tiers 1) and 5 (tiers 2, subscribed only): 80.00. */
const rows: ImportedShare[] = [
  row(1),
  row(2),
  row(3),
  row(4),
  row(5, { tiersId: '2', state: 'souscrite', paidOn: null }),
];
const imported: ShareEvent = {
  type: 'LegacySharesImported',
  data: { importedOn: '2026-01-01', shares: rows },
};

function ctx(patch: Partial<GlouxShareContext> = {}): GlouxShareContext {
  return {
    today: TODAY,
    rules: shareRules(),
    unmirrored: new Set(),
    changeId: (r) => `change-${r.number}-${r.state}`,
    ...patch,
  };
}

/** Gloux's table: the register's rows with these replaced or added. */
function gloux(...changed: ImportedShare[]): ImportedShare[] {
  const byNumber = new Map(rows.map((r) => [r.number, r]));
  for (const r of changed) byNumber.set(r.number, r);
  return [...byNumber.values()];
}

const start: ShareCapitalState = foldShareCapital([imported]);

describe('Gloux’s parts_sociales rows taken in at a poll', () => {
  it('takes in a transfer made in Gloux without raising the highest capital', () => {
    expect(highestCapital(start).toString()).toBe('80.00');
    // Gloux marks share 1 'cedee' to tiers 2 and writes the transferee's new row 6, same day.
    const r = sharesFromGloux(
      start,
      gloux(
        row(1, { state: 'cedee', exitOn: TODAY, transfereeTiersId: '2' }),
        row(6, { tiersId: '2', subscribedOn: TODAY, paidOn: TODAY }),
      ),
      ctx(),
    );
    expect(r.events.map((e) => e.type)).toEqual(['LegacyShareChanged', 'LegacySharesImported']);
    const after = foldShareCapital(r.events, start);
    expect(currentCapital(after).toString()).toBe('80.00');
    expect(highestCapital(after).toString()).toBe('80.00');
  });

  it('finds nothing when Gloux’s rows are the register’s', () => {
    expect(sharesFromGloux(start, gloux(), ctx())).toEqual({
      events: [],
      imported: 0,
      changed: 0,
      issues: [],
    });
  });

  it('takes a new row in as an import dated by Gloux’s row', () => {
    const r = sharesFromGloux(
      start,
      gloux(row(6, { subscribedOn: TODAY, paidOn: null, state: 'souscrite' })),
      ctx(),
    );
    expect(r.events).toEqual([
      {
        type: 'LegacySharesImported',
        data: {
          importedOn: TODAY,
          shares: [row(6, { subscribedOn: TODAY, paidOn: null, state: 'souscrite' })],
        },
      },
    ]);
    expect(currentCapital(foldShareCapital(r.events, start)).toString()).toBe('96.00');
  });

  it('reports each oddity of a new row (zero dates), and still takes it in', () => {
    const odd = row(7, { subscribedOn: null, paidOn: null });
    const r = sharesFromGloux(start, gloux(odd), ctx());
    expect(r.imported).toBe(1);
    expect(r.issues.map((i) => [i.number, i.issue.code, i.blocking])).toEqual([
      [7, 'share_anomaly_1', false],
      [7, 'share_anomaly_2', false],
    ]);
    expect(r.issues[0]!.issue.message).toMatch(/date de souscription inconnue/);
  });

  it('takes a redemption in on its exit day, and the capital loses the share', () => {
    const r = sharesFromGloux(
      start,
      gloux(row(2, { state: 'remboursee', exitOn: '2026-11-20' })),
      ctx(),
    );
    expect(r.changed).toBe(1);
    expect(r.events).toEqual([
      {
        type: 'LegacyShareChanged',
        data: {
          changeId: 'change-2-remboursee',
          seenOn: TODAY,
          previousState: 'liberee',
          share: row(2, { state: 'remboursee', exitOn: '2026-11-20' }),
          movement: 'remboursement',
          on: '2026-11-20',
        },
      },
    ]);
    const after = foldShareCapital(r.events, start);
    expect(currentCapital(after).toString()).toBe('64.00');
    expect(after.shares.get(2)).toMatchObject({ state: 'remboursee', heldUntil: '2026-11-20' });
    // Taken in: the next poll finds the register and Gloux in agreement.
    expect(
      sharesFromGloux(after, gloux(row(2, { state: 'remboursee', exitOn: '2026-11-20' })), ctx())
        .events,
    ).toEqual([]);
  });

  it('takes a pay-up in; a zero date is the day gloux2 saw it, and said so', () => {
    const paid = row(5, { tiersId: '2', state: 'liberee', paidOn: null, legacyPaymentId: 77 });
    const r = sharesFromGloux(start, gloux(paid), ctx());
    expect(
      r.events.map((e) => e.type === 'LegacyShareChanged' && [e.data.movement, e.data.on]),
    ).toEqual([['liberation', TODAY]]);
    expect(r.issues).toEqual([
      expect.objectContaining({
        number: 5,
        blocking: false,
        issue: expect.objectContaining({ code: 'share_no_paid_date' }),
      }),
    ]);
    expect(foldShareCapital(r.events, start).shares.get(5)).toMatchObject({
      state: 'liberee',
      legacyPaymentId: 77,
    });
  });

  it('takes a date correction in without moving the capital, and says the history keeps its dates', () => {
    const r = sharesFromGloux(start, gloux(row(3, { subscribedOn: '2019-05-01' })), ctx());
    expect(r.events.map((e) => e.type === 'LegacyShareChanged' && e.data.movement)).toEqual([null]);
    expect(r.issues.map((i) => [i.issue.code, i.blocking])).toEqual([['share_dates', false]]);
    expect(foldShareCapital(r.events, start).changes).toEqual(start.changes);
  });

  it.each([
    ['a paid-up share cancelled', row(1, { state: 'annulee', exitOn: TODAY }), 'share_cancel_paid'],
    ['a share moved to another tiers without a transfer', row(1, { tiersId: '2' }), 'share_tiers'],
    ['a nominal value changed', row(1, { nominal: '20.00' }), 'share_nominal'],
    ['a payment undone', row(1, { state: 'souscrite', paidOn: null }), 'share_unpaid'],
    [
      'an exit dated in the future',
      row(1, { state: 'remboursee', exitOn: '2026-12-01' }),
      'share_future',
    ],
    [
      'an exit before the share entered the capital',
      row(1, { state: 'remboursee', exitOn: '2019-01-01' }),
      'share_exit_before',
    ],
  ])('refuses %s: reported, the register unchanged', (_, changed, code) => {
    const r = sharesFromGloux(start, gloux(changed), ctx());
    expect(r.events).toEqual([]);
    expect(r.issues).toEqual([
      { number: changed.number, blocking: true, issue: expect.objectContaining({ code }) },
    ]);
  });

  it('refuses a share coming back into the capital after it left', () => {
    const gone = foldShareCapital(
      sharesFromGloux(start, gloux(row(1, { state: 'remboursee', exitOn: TODAY })), ctx()).events,
      start,
    );
    const r = sharesFromGloux(gone, gloux(row(1)), ctx());
    expect(r.issues.map((i) => i.issue.code)).toEqual(['share_back']);
  });

  it('keeps the register in date order against gloux2’s own movements', () => {
    const moved: ShareEvent = {
      type: 'SharesRedeemed',
      data: {
        redemptionId: 'r1',
        requestId: null,
        tiersId: '1',
        numbers: [4],
        on: '2026-11-24',
        requestedOn: '2026-11-24',
        amount: '16.00',
        reason: '',
      },
    };
    const state = foldShareCapital([moved], start);
    const mirrored = row(4, { state: 'remboursee', exitOn: '2026-11-24' });
    const r = sharesFromGloux(
      state,
      gloux(mirrored, row(1, { state: 'remboursee', exitOn: '2026-11-23' })),
      ctx(),
    );
    expect(r.issues.map((i) => [i.number, i.issue.code])).toEqual([[1, 'share_order']]);
  });

  it('takes a transfer seen over two polls in without raising the highest capital, either row first', () => {
    const cession = row(1, { state: 'cedee', exitOn: TODAY, transfereeTiersId: '2' });
    const transferee = row(6, { tiersId: '2', subscribedOn: TODAY, paidOn: TODAY });
    // The transferee's new row at one poll, the old row marked 'cedee' at the next.
    let state = foldShareCapital(sharesFromGloux(start, gloux(transferee), ctx()).events, start);
    const second = sharesFromGloux(state, gloux(transferee, cession), ctx());
    expect(second.issues).toEqual([]);
    state = foldShareCapital(second.events, state);
    expect([currentCapital(state), highestCapital(state)].map(String)).toEqual(['80.00', '80.00']);
    // The old row first: the capital falls until the new row comes, and that is said.
    const first = sharesFromGloux(start, gloux(cession), ctx());
    expect(first.issues.map((i) => [i.number, i.issue.code, i.blocking])).toEqual([
      [1, 'share_transfer_unmatched', false],
    ]);
    expect(first.issues[0]!.issue.message.replace(/\s/g, ' ')).toBe(
      'Part n° 1 (tiers 1) : cédée dans Gloux le 25/11/2026 au tiers 2, dont la nouvelle part n’était pas dans Gloux quand gloux2 l’a vue : le capital a baissé de 16,00 € ; si Gloux l’écrit ensuite, elle entre comme une souscription.',
    );
    state = foldShareCapital(first.events, start);
    expect(currentCapital(state).toString()).toBe('64.00');
    state = foldShareCapital(
      sharesFromGloux(state, gloux(cession, transferee), ctx()).events,
      state,
    );
    expect([currentCapital(state), highestCapital(state)].map(String)).toEqual(['80.00', '80.00']);
  });

  it('holds the capital floor for a transfer whose new row Gloux never wrote', () => {
    // Three shares redeemed: 32.00 left, floor 20.00 (a quarter of 80.00).
    const redeemed = [2, 3, 4].map((n) => row(n, { state: 'remboursee', exitOn: TODAY }));
    const state = foldShareCapital(sharesFromGloux(start, gloux(...redeemed), ctx()).events, start);
    expect(currentCapital(state).toString()).toBe('32.00');
    const cession = row(1, { state: 'cedee', exitOn: TODAY, transfereeTiersId: '2' });
    const r = sharesFromGloux(state, gloux(...redeemed, cession), ctx());
    expect(r.events).toEqual([]);
    expect(r.issues.map((i) => [i.number, i.issue.code, i.blocking])).toEqual([
      [1, 'share_floor', true],
    ]);
    expect(r.issues[0]!.issue.message.replace(/\s/g, ' ')).toMatch(
      /^Part n° 1 \(tiers 1\), cédée dans Gloux : Transfert sans nouvelle part du cessionnaire refusé : le capital passerait de 32,00 € à 16,00 €/,
    );
    // With the transferee's row written, it is taken in.
    const transferee = row(6, { tiersId: '2', subscribedOn: TODAY, paidOn: TODAY });
    const later = sharesFromGloux(state, gloux(...redeemed, cession, transferee), ctx());
    expect(later.issues).toEqual([]);
    expect(currentCapital(foldShareCapital(later.events, state)).toString()).toBe('32.00');
  });

  it('takes redemptions in down to the capital floor and reports the rest', () => {
    // Highest 80.00 → floor 20.00 (a quarter): of five shares, only three may go.
    const all = rows.map((r) => ({ ...r, state: 'remboursee' as const, exitOn: TODAY }));
    const r = sharesFromGloux(start, all, ctx());
    expect(r.changed).toBe(3);
    expect(r.issues.map((i) => [i.number, i.issue.code])).toEqual([
      [4, 'share_floor'],
      [5, 'share_floor'],
    ]);
    expect(currentCapital(foldShareCapital(r.events, start)).toString()).toBe('32.00');
  });

  it('leaves shares whose gloux2 events the mirror has not written yet for a later poll', () => {
    const r = sharesFromGloux(
      start,
      gloux(row(2, { state: 'souscrite', paidOn: null })),
      ctx({ unmirrored: new Set([2]) }),
    );
    expect(r).toEqual({ events: [], imported: 0, changed: 0, issues: [] });
  });
});
