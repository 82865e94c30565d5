/**
 * The worked example of a 1,200-member general assembly (docs/accounting.md §6), figures checked
 * by hand in the comments.
 */
import { AG_DAY, AssemblyRecorder, numberedMembers } from './assembly.testkit.js';
import {
  decideAddResolution,
  decideMarkPresent,
  decideRecordPostalVote,
  decideRecordProxy,
  decideRecordVote,
  quorumStatus,
  foldAssembly,
} from './assembly.js';
import type { AssemblyCall, AssemblyKind, VoteChoice } from './events.js';

const MEMBERS = numberedMembers(1200);
const on = { today: AG_DAY };
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, k) => String(from + k));

/** Postal voters 231–270: who chose what on each of the three resolutions sent with the form. */
function postalChoices(i: number): Record<string, VoteChoice> {
  const r1: VoteChoice = i <= 255 ? 'for' : i <= 265 ? 'against' : 'abstain'; // 25 / 10 / 5
  const r3: VoteChoice = i <= 240 ? 'for' : i <= 265 ? 'against' : 'abstain'; // 10 / 25 / 5
  const out: Record<string, VoteChoice> = { r1, r3 };
  // R2: 15 for, 20 against; 266–270 leave it blank, which is an abstention.
  if (i <= 265) out.r2 = i <= 245 ? 'for' : 'against';
  return out;
}

/**
 * 1,200 members. Before the day: three resolutions (R2 is a member's motion, not the board's),
 * 40 postal votes (231–270) and 20 blank proxies (211–230). On the day: 150 members present
 * (1–150), then 60 named proxies (151–210), two for each of members 1–30.
 */
function assembly(kind: AssemblyKind, call: AssemblyCall) {
  const ag = new AssemblyRecorder(MEMBERS, { kind, call });
  const resolution = (id: string, text: string, byBoard = true) =>
    ag.record((s) => decideAddResolution(s, { text, byBoard }, { resolutionId: id }));
  resolution('r1', 'Approbation des comptes de l’exercice 2025');
  resolution('r2', 'Motion d’un sociétaire : réduire la plaque de base à 15 €', false);
  resolution('r3', 'Affectation du résultat en réserve impartageable');
  for (const id of range(231, 270)) {
    ag.record((s) =>
      decideRecordPostalVote(
        s,
        { tiersId: id, receivedOn: '2026-06-05', choices: postalChoices(Number(id)) },
        { today: '2026-06-08' },
      ),
    );
  }
  for (const id of range(211, 230)) ag.record((s) => decideRecordProxy(s, { tiersId: id }, on));
  for (const id of range(1, 150)) ag.record((s) => decideMarkPresent(s, { tiersId: id }, on));
  return {
    ag,
    namedProxies() {
      for (const id of range(151, 210)) {
        const holderId = String(Math.floor((Number(id) - 151) / 2) + 1);
        ag.record((s) => decideRecordProxy(s, { tiersId: id, holderId }, on));
      }
    },
    vote(resolutionId: string, room: [number, number, number]) {
      const [f, a, abs] = room;
      return ag.record((s) =>
        decideRecordVote(s, { resolutionId, for: f, against: a, abstain: abs }, on),
      ).data;
    },
  };
}

describe('a 1,200-member ordinary assembly on first call (quorum 1/5 = 240 members)', () => {
  const { ag, namedProxies, vote } = assembly('ordinary', 1);

  it('is short of quorum with 150 present, 20 blank proxies and 40 postal votes (210 < 240)', () => {
    expect(quorumStatus(ag.state)).toMatchObject({
      members: 1200,
      present: 150,
      blankProxies: 20,
      postal: 40,
      counted: 210,
      required: 240,
      reached: false,
    });
    expect(
      ag.refused((s) =>
        decideRecordVote(s, { resolutionId: 'r1', for: 150, against: 0, abstain: 0 }, on),
      ).message,
    ).toBe(
      'Quorum non atteint (210 sociétaires comptés, 240 requis) : l’assemblée ne peut pas délibérer.',
    );
  });

  it('reaches it with 60 named proxies: 150 + 60 + 20 + 40 = 270', () => {
    namedProxies();
    expect(quorumStatus(ag.state)).toEqual({
      members: 1200,
      present: 150,
      represented: 60,
      blankProxies: 20,
      postal: 40,
      counted: 270,
      quorum: { num: 1, den: 5 },
      required: 240,
      reached: true,
    });
    expect(ag.state.proxiesHeld.get('1')).toBe(2);
    expect(ag.state.proxiesHeld.get('30')).toBe(2);
    expect(ag.state.proxiesHeld.get('31')).toBeUndefined();
  });

  it('refuses a third proxy, a proxy to a represented or unknown member, and counting twice', () => {
    const codes = [
      ag.refused((s) => decideRecordProxy(s, { tiersId: '271', holderId: '1' }, on)),
      ag.refused((s) => decideRecordProxy(s, { tiersId: '271', holderId: '151' }, on)),
      ag.refused((s) => decideRecordProxy(s, { tiersId: '271', holderId: '1201' }, on)),
      ag.refused((s) => decideMarkPresent(s, { tiersId: '231' }, on)),
      ag.refused((s) => decideRecordProxy(s, { tiersId: '151', holderId: '31' }, on)),
      ag.refused((s) =>
        decideRecordPostalVote(s, { tiersId: '271', receivedOn: '2026-06-10' }, on),
      ),
    ].map((e) => e.code);
    expect(codes).toEqual([
      'proxy_cap',
      'holder_absent',
      'not_a_member',
      'already_counted',
      'already_counted',
      'postal_too_late',
    ]);
    expect(quorumStatus(ag.state).counted).toBe(270);
  });

  it('R1, the board’s: 180/20/10 in the room + 20 blank proxies for + postal 25/10/5 = 225/30/15, adopted', () => {
    expect(vote('r1', [180, 20, 10])).toMatchObject({
      blankProxies: { for: 20, against: 0, abstain: 0 },
      postal: { for: 25, against: 10, abstain: 5 },
      total: { for: 225, against: 30, abstain: 15 },
      voters: 270,
      adopted: true,
    });
  });

  it('R2, a member’s motion: blank proxies vote against; 105 for, 140 against: rejected', () => {
    // Room 90/100/20; blank proxies 0/20/0; postal 15/20/5 (five forms left it blank).
    expect(vote('r2', [90, 100, 20])).toMatchObject({
      blankProxies: { for: 0, against: 20, abstain: 0 },
      postal: { for: 15, against: 20, abstain: 5 },
      total: { for: 105, against: 140, abstain: 25 },
      adopted: false,
    });
  });

  it('R3: 130 for, 120 against, 20 abstentions: adopted by simple majority', () => {
    // Room 100/95/15 + blank 20/0/0 + postal 10/25/5.
    expect(vote('r3', [100, 95, 15])).toMatchObject({
      total: { for: 130, against: 120, abstain: 20 },
      voters: 270,
      adopted: true,
    });
  });

  it('replays its 1,200-member history to the same state', () => {
    const replayed = foldAssembly('ag-1', ag.events);
    expect(quorumStatus(replayed)).toEqual(quorumStatus(ag.state));
    expect(replayed.resolutions.map((r) => r.vote?.adopted)).toEqual([true, false, true]);
  });
});

describe('the same attendance at an extraordinary assembly', () => {
  it('on first call, 270 members is short of the quorum of 1/4 (300)', () => {
    const { ag, namedProxies } = assembly('extraordinary', 1);
    namedProxies();
    expect(quorumStatus(ag.state)).toMatchObject({ counted: 270, required: 300, reached: false });
    expect(
      ag.refused((s) =>
        decideRecordVote(s, { resolutionId: 'r1', for: 210, against: 0, abstain: 0 }, on),
      ).code,
    ).toBe('quorum_not_reached');
  });

  describe('on second call (quorum 1/5 = 240), two thirds of the votes cast', () => {
    const { ag, namedProxies, vote } = assembly('extraordinary', 2);
    namedProxies();
    for (const [id, text] of [
      ['r4', 'Modification de l’article 12 des statuts'],
      ['r5', 'Modification de l’article 14 des statuts'],
    ] as const) {
      ag.record((s) => decideAddResolution(s, { text }, { resolutionId: id }));
    }

    it('adopts R1: 225 of 255 votes cast (225 × 3 = 675 ≥ 510)', () => {
      expect(vote('r1', [180, 20, 10])).toMatchObject({
        total: { for: 225, against: 30, abstain: 15 },
        adopted: true,
      });
    });

    it('rejects R3, adopted above by simple majority: 130 of 250 (390 < 500)', () => {
      expect(vote('r3', [100, 95, 15])).toMatchObject({
        total: { for: 130, against: 120, abstain: 20 },
        adopted: false,
      });
    });

    it('adopts R4 at exactly two thirds: 140 for, 70 against (420 = 420); postal forms abstain', () => {
      // Room 120/70/20 + blank 20 for + 40 postal forms that did not carry R4.
      expect(vote('r4', [120, 70, 20])).toMatchObject({
        postal: { for: 0, against: 0, abstain: 40 },
        total: { for: 140, against: 70, abstain: 60 },
        voters: 270,
        adopted: true,
      });
    });

    it('rejects R5 one vote short: 139 for, 70 against (417 < 418)', () => {
      expect(vote('r5', [119, 70, 21])).toMatchObject({
        total: { for: 139, against: 70, abstain: 61 },
        adopted: false,
      });
    });
  });
});
