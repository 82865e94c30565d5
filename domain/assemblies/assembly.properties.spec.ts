import fc from 'fast-check';
import { AG_DAY, AssemblyRecorder, numberedMembers } from './assembly.testkit.js';
import { addDays } from '../shared/day.js';
import { DomainError } from '../shared/errors.js';
import {
  decideAddResolution,
  decideCloseAssembly,
  decideMarkPresent,
  decideRecordPostalVote,
  decideRecordProxy,
  decideRecordVote,
  decideWithdrawAttendance,
  quorumStatus,
  foldAssembly,
  roomVoters,
  type AssemblyState,
} from './assembly.js';
import type { AssemblyEvent, VoteChoice } from './events.js';
import { defaultAssemblyRules, isAdopted } from './rules.js';

const on = { today: AG_DAY };
const DEADLINE = '2026-06-09';
const choiceArb = fc.constantFrom<VoteChoice | ''>('for', 'against', 'abstain', '');

/** Member indices go one past the list: that one is not a member. */
const actionArb = (n: number, resolutions: number) => {
  const member = fc.integer({ min: 1, max: n + 1 });
  return fc.oneof(
    { weight: 20, arbitrary: fc.record({ k: fc.constant('present' as const), m: member }) },
    {
      weight: 20,
      arbitrary: fc.record({
        k: fc.constant('proxy' as const),
        m: member,
        // 0: a blank proxy.
        holder: fc.integer({ min: 0, max: n + 1 }),
      }),
    },
    {
      weight: 15,
      arbitrary: fc.record({
        k: fc.constant('postal' as const),
        m: member,
        daysAfterDeadline: fc.integer({ min: -3, max: 2 }),
        choices: fc.array(choiceArb, { minLength: resolutions, maxLength: resolutions }),
      }),
    },
    { weight: 10, arbitrary: fc.record({ k: fc.constant('withdraw' as const), m: member }) },
    {
      weight: 15,
      arbitrary: fc.record({
        k: fc.constant('vote' as const),
        r: fc.integer({ min: 1, max: resolutions }),
        forShare: fc.double({ min: 0, max: 1, noNaN: true }),
        againstShare: fc.double({ min: 0, max: 1, noNaN: true }),
        miscount: fc.constantFrom(0, 0, 0, 0, -1, 1),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('close' as const) }) },
  );
};

const scenarioArb = fc
  .record({
    n: fc.integer({ min: 2, max: 12 }),
    proxyCap: fc.integer({ min: 0, max: 3 }),
    boards: fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
  })
  .chain((s) =>
    fc.record({
      n: fc.constant(s.n),
      proxyCap: fc.constant(s.proxyCap),
      boards: fc.constant(s.boards),
      kind: fc.constantFrom('ordinary' as const, 'extraordinary' as const),
      call: fc.constantFrom(1 as const, 2 as const),
      actions: fc.array(actionArb(s.n, s.boards.length), { maxLength: 80 }),
    }),
  );

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;
type Action = Scenario['actions'][number];

function decision(action: Action, state: AssemblyState): readonly AssemblyEvent[] {
  switch (action.k) {
    case 'present':
      return decideMarkPresent(state, { tiersId: String(action.m) }, on);
    case 'proxy':
      return decideRecordProxy(
        state,
        { tiersId: String(action.m), holderId: action.holder === 0 ? '' : String(action.holder) },
        on,
      );
    case 'postal':
      return decideRecordPostalVote(
        state,
        {
          tiersId: String(action.m),
          receivedOn: addDays(DEADLINE, action.daysAfterDeadline),
          choices: Object.fromEntries(action.choices.map((c, i) => [`r${i + 1}`, c])),
        },
        on,
      );
    case 'withdraw':
      return decideWithdrawAttendance(state, { tiersId: String(action.m) }, on);
    case 'vote': {
      // The room's voters split in three, sometimes miscounted by one.
      const room = roomVoters(state);
      const f = Math.floor(room * action.forShare);
      const a = Math.floor((room - f) * action.againstShare);
      const abstain = Math.max(0, room - f - a + action.miscount);
      return decideRecordVote(
        state,
        { resolutionId: `r${action.r}`, for: f, against: a, abstain },
        on,
      );
    }
    case 'close':
      return decideCloseAssembly(state, {}, on);
  }
}

/** Everything a refusal must leave as it was. */
function snapshot(s: AssemblyState): string {
  return JSON.stringify({
    attendance: [...s.attendance].map(([id, a]) => [
      id,
      a.mode === 'postal' ? { ...a, choices: [...a.choices] } : a,
    ]),
    proxies: [...s.proxiesHeld],
    resolutions: s.resolutions,
    closedOn: s.closedOn,
    members: s.members.size,
  });
}

function play(
  s: Scenario,
  check: (
    ag: AssemblyRecorder,
    action: Action,
    event: AssemblyEvent | DomainError,
    before: AssemblyState,
  ) => void,
) {
  const ag = new AssemblyRecorder(
    numberedMembers(s.n),
    { kind: s.kind, call: s.call },
    { ...defaultAssemblyRules, proxyCap: s.proxyCap },
  );
  s.boards.forEach((byBoard, i) =>
    ag.record((st) =>
      decideAddResolution(
        st,
        { text: `Résolution ${i + 1}`, byBoard },
        { resolutionId: `r${i + 1}` },
      ),
    ),
  );
  for (const action of s.actions) {
    const before = ag.state;
    let outcome: AssemblyEvent | DomainError;
    try {
      outcome = ag.record((st) => decision(action, st));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcome = error;
    }
    check(ag, action, outcome, before);
  }
  return ag;
}

describe('general assembly properties', () => {
  it('counts each member once, whatever the sequence of recordings', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        // An independent model: the members counted, from the accepted events alone.
        const model = new Map<string, string>();
        const ag = play(s, (ag, action, outcome, before) => {
          const recording = action.k === 'present' || action.k === 'proxy' || action.k === 'postal';
          if (recording && model.has(String(action.m)) && before.closedOn === null) {
            expect(outcome).toBeInstanceOf(DomainError);
            expect((outcome as DomainError).code).toBe('already_counted');
          }
          if (!(outcome instanceof DomainError)) {
            const e = outcome;
            if (e.type === 'MemberMarkedPresent') model.set(e.data.tiersId, 'present');
            if (e.type === 'ProxyRecorded') model.set(e.data.tiersId, `proxy:${e.data.holderId}`);
            if (e.type === 'PostalVoteRecorded') model.set(e.data.tiersId, 'postal');
            if (e.type === 'AttendanceWithdrawn') model.delete(e.data.tiersId);
          }
          const q = quorumStatus(ag.state);
          expect(q.counted).toBe(model.size);
          expect(q.present + q.represented + q.blankProxies + q.postal).toBe(q.counted);
          expect(q.counted).toBeLessThanOrEqual(q.members);
          const required = q.quorum ? Math.ceil((q.members * q.quorum.num) / q.quorum.den) : 0;
          expect(q.reached).toBe(q.counted >= required);
          // Named proxies: held by present members, within the cap.
          const held = new Map<string, number>();
          for (const v of model.values()) {
            if (v.startsWith('proxy:') && v !== 'proxy:null') {
              const holder = v.slice(6);
              held.set(holder, (held.get(holder) ?? 0) + 1);
            }
          }
          for (const [holder, n] of held) {
            expect(model.get(holder)).toBe('present');
            expect(n).toBeLessThanOrEqual(s.proxyCap);
            expect(ag.state.proxiesHeld.get(holder)).toBe(n);
          }
          expect(ag.state.proxiesHeld.size).toBe(held.size);
        });
        // Rebuildable: the accepted history replays to the same count.
        expect(quorumStatus(foldAssembly('ag-1', ag.events))).toEqual(quorumStatus(ag.state));
      }),
      { numRuns: 300 },
    );
  });

  it('a refused recording changes nothing', () => {
    let refusals = 0;
    fc.assert(
      fc.property(scenarioArb, (s) => {
        play(s, (ag, _action, outcome, before) => {
          if (!(outcome instanceof DomainError)) return;
          refusals++;
          const events = ag.events.length;
          expect(ag.state).toBe(before);
          expect(snapshot(ag.state)).toBe(snapshot(before));
          expect(ag.events).toHaveLength(events);
        });
      }),
      { numRuns: 200 },
    );
    expect(refusals).toBeGreaterThan(100);
  });

  it('results add up: for + against + abstain = voters, under the majority rule', () => {
    let votes = 0;
    fc.assert(
      fc.property(scenarioArb, (s) => {
        play(s, (_ag, _action, outcome, before) => {
          if (outcome instanceof DomainError || outcome.type !== 'ResolutionVoted') return;
          votes++;
          const v = outcome.data;
          const q = quorumStatus(before);
          const sum = (c: typeof v.total) => c.for + c.against + c.abstain;
          expect(sum(v.total)).toBe(v.voters);
          expect(v.voters).toBe(q.counted);
          expect(sum(v.room)).toBe(q.present + q.represented);
          expect(sum(v.blankProxies)).toBe(q.blankProxies);
          expect(sum(v.postal)).toBe(q.postal);
          expect(v.total).toEqual({
            for: v.room.for + v.blankProxies.for + v.postal.for,
            against: v.room.against + v.blankProxies.against + v.postal.against,
            abstain: v.room.abstain + v.blankProxies.abstain + v.postal.abstain,
          });
          const byBoard = before.resolutions.find(
            (r) => r.resolutionId === v.resolutionId,
          )!.byBoard;
          expect(byBoard ? v.blankProxies.against : v.blankProxies.for).toBe(0);
          expect(v.blankProxies.abstain).toBe(0);
          expect(v.adopted).toBe(isAdopted(v.total, before.convened!.majority));
          expect(q.reached).toBe(true);
        });
      }),
      // Votes need a convened, quorate AG with a resolution: 300 runs gave 70 to 96 votes and
      // once 49, so the guard below failed by chance; 800 runs keep it far from that.
      { numRuns: 800 },
    );
    expect(votes).toBeGreaterThan(50);
  });
});
