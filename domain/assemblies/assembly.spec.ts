import {
  AG_DAY,
  AssemblyRecorder,
  CONVOCATION_DETAILS,
  convened,
  numberedMembers,
} from './assembly.testkit.js';
import {
  decideAddResolution,
  decideCloseAssembly,
  decideConveneAssembly,
  decideMarkPresent,
  decideRecordPostalVote,
  decideRecordProxy,
  decideRecordVote,
  decideWithdrawAttendance,
  parseConvocation,
  quorumStatus,
  foldAssembly,
  initialAssemblyState,
  type ConveneAssembly,
} from './assembly.js';
import { DomainError } from '../shared/errors.js';
import {
  defaultAssemblyRules,
  describeMajority,
  isAdopted,
  majorityOf,
  parseFraction,
} from './rules.js';

const on = { today: AG_DAY };

function tenMembers() {
  const ag = new AssemblyRecorder(numberedMembers(10));
  ag.record((s) =>
    decideAddResolution(s, { text: 'Approbation des comptes' }, { resolutionId: 'r1' }),
  );
  return ag;
}

describe('convening an assembly', () => {
  it('freezes the members, the rules of its kind and call, and defaults the dates', () => {
    const s = convened(numberedMembers(3), { kind: 'extraordinary', call: 2 });
    expect(s.members.size).toBe(3);
    expect(s.convened).toMatchObject({
      kind: 'extraordinary',
      call: 2,
      heldOn: AG_DAY,
      postalDeadline: '2026-06-09',
      listOn: '2026-05-20',
      convenedOn: '2026-05-20',
      proxyCap: 2,
      quorum: { num: 1, den: 5 },
      majority: { num: 2, den: 3, strict: false },
    });
    expect(convened(numberedMembers(3), { call: 2 }).convened?.quorum).toBeNull();
  });

  it('lists on the day of the assembly when it is already past', () => {
    expect(
      parseConvocation(
        { kind: 'ordinary', heldOn: '2026-01-10', call: '1', ...CONVOCATION_DETAILS },
        '2025-12-20',
        defaultAssemblyRules,
      ).listOn,
    ).toBe('2025-12-20');
  });

  it.each([
    [{ kind: 'annual' }, 'kind', 'ordinaire ou extraordinaire'],
    [{ heldOn: '2026-02-30' }, 'heldOn', 'La date de l’assemblée est invalide'],
    [{ call: 3 }, 'call', 'première (1) ou seconde (2)'],
    [{ postalDeadline: '2026-06-10' }, 'postalDeadline', 'le 09/06/2026 au plus tard'],
    [{ postalDeadline: '2026-05-19' }, 'postalDeadline', 'déjà passée'],
    [{ listOn: '2026-05-21' }, 'listOn', 'date future'],
    [{ startsAt: '25:00' }, 'startsAt', 'L’heure de l’assemblée est requise'],
    [{ place: ' ' }, 'place', 'Le lieu de l’assemblée est requis'],
    [{ agenda: [{ title: 'Comptes' }] }, 'agenda[0].text', 'Point 1 de l’ordre du jour'],
    [{ heldOn: '2026-06-03' }, 'heldOn', 'au moins 15 jours à l’avance'],
  ])('refuses %j on %s', (input, field, message) => {
    expect(() =>
      parseConvocation(
        { kind: 'ordinary', heldOn: AG_DAY, call: 1, ...CONVOCATION_DETAILS, ...input },
        '2026-05-20',
        defaultAssemblyRules,
      ),
    ).toThrow(expect.objectContaining({ field, message: expect.stringContaining(message) }));
  });

  it('holds an assembly no earlier than the statutes’ notice: 15 days on first call, 10 on second', () => {
    const on = (heldOn: string, input: Partial<ConveneAssembly> = {}) =>
      parseConvocation(
        { kind: 'ordinary', heldOn, call: 1, ...CONVOCATION_DETAILS, ...input },
        '2026-05-20',
        defaultAssemblyRules,
      ).heldOn;
    expect(on('2026-06-04')).toBe('2026-06-04');
    expect(() => on('2026-06-03', { kind: 'extraordinary' })).toThrow(
      expect.objectContaining({ code: 'notice_too_short' }),
    );
    expect(on('2026-05-30', { call: 2 })).toBe('2026-05-30');
    const strict = {
      ...defaultAssemblyRules,
      noticeDays: { ordinary: 15, extraordinary: 21, secondCall: 6 },
    };
    expect(() =>
      parseConvocation(
        { kind: 'extraordinary', heldOn: '2026-06-09', call: 1, ...CONVOCATION_DETAILS },
        '2026-05-20',
        strict,
      ),
    ).toThrow(
      'au moins 21 jours à l’avance (statuts) : convoquée aujourd’hui, elle se tient le 10/06/2026 au plus tôt',
    );
  });

  it('lists every problem at once: an extraordinary assembly today, its postal deadline past, no time nor place', () => {
    let refusal: DomainError | undefined;
    try {
      parseConvocation(
        { kind: 'extraordinary', heldOn: '2026-05-20', call: 1 },
        '2026-05-20',
        defaultAssemblyRules,
      );
    } catch (error) {
      refusal = error as DomainError;
    }
    expect(refusal?.message).toBe('Le formulaire comporte 4 erreurs : corrigez-les toutes.');
    expect(refusal?.code).toBe('invalid_input');
    expect(refusal?.details?.errors).toEqual([
      { field: 'startsAt', message: 'L’heure de l’assemblée est requise (par exemple 18:30).' },
      { field: 'place', message: 'Le lieu de l’assemblée est requis (300 caractères au plus).' },
      {
        field: 'heldOn',
        message:
          'Une assemblée extraordinaire sur première convocation se convoque au moins 15 jours à l’avance (statuts) : convoquée aujourd’hui, elle se tient le 04/06/2026 au plus tôt.',
      },
      {
        field: 'postalDeadline',
        message:
          'La date limite des votes par correspondance (le 17/05/2026) est déjà passée : personne ne pourrait plus voter par correspondance.',
      },
    ]);
  });

  it('records the time, place and agenda, each item put to the vote as a resolution in order', () => {
    const c = parseConvocation(
      {
        kind: 'ordinary',
        heldOn: AG_DAY,
        call: 1,
        startsAt: '9h',
        place: 'Lyon',
        agenda: [
          { title: 'Comptes 2025', text: 'L’assemblée approuve les comptes.' },
          { title: '', text: '' },
          { title: 'Motion', text: 'Baisser le prix.', byBoard: false },
        ],
      },
      '2026-05-20',
      defaultAssemblyRules,
    );
    const events = decideConveneAssembly(initialAssemblyState('ag-1'), c, {
      today: '2026-05-20',
      rules: defaultAssemblyRules,
      members: numberedMembers(2),
      resolutionIds: ['r1', 'r2'],
    });
    expect(events.map((e) => e.type)).toEqual([
      'AssemblyConvened',
      'AssemblyConvocationDetailed',
      'ResolutionAdded',
      'ResolutionAdded',
    ]);
    // The released shape of AssemblyConvened is unchanged.
    expect(Object.keys(events[0].data).sort()).toEqual(
      [
        'assemblyId',
        'kind',
        'title',
        'heldOn',
        'call',
        'postalDeadline',
        'proxyCap',
        'quorum',
        'majority',
        'listOn',
        'convenedOn',
        'members',
      ].sort(),
    );
    const s = foldAssembly('ag-1', events);
    expect(s.details).toEqual({
      startsAt: '09:00',
      place: 'Lyon',
      agenda: [
        { resolutionId: 'r1', title: 'Comptes 2025' },
        { resolutionId: 'r2', title: 'Motion' },
      ],
    });
    expect(s.resolutions.map((r) => [r.number, r.text, r.byBoard])).toEqual([
      [1, 'L’assemblée approuve les comptes.', true],
      [2, 'Baisser le prix.', false],
    ]);
  });

  it('refuses an assembly nobody could vote at', () => {
    const c = parseConvocation(
      { kind: 'ordinary', heldOn: AG_DAY, call: 1, ...CONVOCATION_DETAILS },
      '2026-05-20',
      defaultAssemblyRules,
    );
    expect(() =>
      decideConveneAssembly(initialAssemblyState('x'), c, {
        today: '2026-05-20',
        rules: defaultAssemblyRules,
        members: [],
      }),
    ).toThrow(expect.objectContaining({ code: 'no_members', field: 'listOn' }));
  });

  it('convenes an assembly once', () => {
    const c = parseConvocation(
      { kind: 'ordinary', heldOn: AG_DAY, call: 1, ...CONVOCATION_DETAILS },
      '2026-05-20',
      defaultAssemblyRules,
    );
    const ctx = { today: '2026-05-20', rules: defaultAssemblyRules, members: numberedMembers(3) };
    expect(() => decideConveneAssembly(convened(numberedMembers(3)), c, ctx)).toThrow(
      expect.objectContaining({ code: 'conflict' }),
    );
  });
});

describe('attendance', () => {
  it('counts present, named and blank proxies and postal votes once each', () => {
    const ag = tenMembers();
    ag.record((s) => decideMarkPresent(s, { tiersId: '1' }, on));
    ag.record((s) => decideRecordProxy(s, { tiersId: '2', holderId: '1' }, on));
    ag.record((s) => decideRecordProxy(s, { tiersId: '3', holderId: '' }, on));
    ag.record((s) =>
      decideRecordPostalVote(
        s,
        { tiersId: '4', receivedOn: '2026-06-09', choices: { r1: 'for' } },
        on,
      ),
    );
    expect(quorumStatus(ag.state)).toEqual({
      members: 10,
      present: 1,
      represented: 1,
      blankProxies: 1,
      postal: 1,
      counted: 4,
      quorum: { num: 1, den: 5 },
      required: 2,
      reached: true,
    });
    expect(ag.state.proxiesHeld.get('1')).toBe(1);
  });

  it('refuses a member counted twice, whatever the two recordings', () => {
    const ag = tenMembers();
    ag.record((s) => decideMarkPresent(s, { tiersId: '1' }, on));
    ag.record((s) => decideRecordProxy(s, { tiersId: '2', holderId: '1' }, on));
    ag.record((s) => decideRecordPostalVote(s, { tiersId: '3', receivedOn: '2026-06-01' }, on));
    const twice = [
      ag.refused((s) => decideMarkPresent(s, { tiersId: '1' }, on)),
      ag.refused((s) => decideMarkPresent(s, { tiersId: '2' }, on)),
      ag.refused((s) => decideMarkPresent(s, { tiersId: '3' }, on)),
      ag.refused((s) => decideRecordProxy(s, { tiersId: '2', holderId: '' }, on)),
      ag.refused((s) => decideRecordProxy(s, { tiersId: '1', holderId: '' }, on)),
      ag.refused((s) => decideRecordPostalVote(s, { tiersId: '1', receivedOn: '2026-06-01' }, on)),
    ];
    for (const e of twice) {
      expect(e.code).toBe('already_counted');
      expect(e.field).toBe('tiersId');
    }
    expect(twice[1]?.message).toBe(
      'Sociétaire 0002 est déjà compté à cette assemblée (représenté par Sociétaire 0001) : un sociétaire ne compte qu’une fois.',
    );
    expect(twice[2]?.message).toContain('vote par correspondance reçu le 01/06/2026');
    expect(quorumStatus(ag.state).counted).toBe(3);
  });

  it('refuses proxies to non-members, to absent members, to oneself and over the cap', () => {
    const ag = tenMembers();
    ag.record((s) => decideMarkPresent(s, { tiersId: '1' }, on));
    const nonMember = ag.refused((s) => decideRecordProxy(s, { tiersId: '2', holderId: '99' }, on));
    expect(nonMember).toMatchObject({ code: 'not_a_member', field: 'holderId' });
    expect(nonMember.message).toBe(
      'Le mandataire : le tiers n° 99 n’a pas le droit de vote à cette assemblée (aucune part sociale le 20/05/2026).',
    );
    expect(
      ag.refused((s) => decideRecordProxy(s, { tiersId: '2', holderId: '5' }, on)),
    ).toMatchObject({
      code: 'holder_absent',
      field: 'holderId',
      message: expect.stringContaining('Sociétaire 0005 n’est pas noté présent'),
    });
    expect(ag.refused((s) => decideRecordProxy(s, { tiersId: '1', holderId: '1' }, on)).code).toBe(
      'already_counted',
    );
    expect(
      ag.refused((s) => decideRecordProxy(s, { tiersId: '77', holderId: '1' }, on)),
    ).toMatchObject({
      code: 'not_a_member',
      field: 'tiersId',
    });
    ag.record((s) => decideRecordProxy(s, { tiersId: '2', holderId: '1' }, on));
    ag.record((s) => decideRecordProxy(s, { tiersId: '3', holderId: '1' }, on));
    const cap = ag.refused((s) => decideRecordProxy(s, { tiersId: '4', holderId: '1' }, on));
    expect(cap).toMatchObject({ code: 'proxy_cap', field: 'holderId' });
    expect(cap.message).toBe(
      'Sociétaire 0001 détient déjà 2 pouvoirs, le maximum fixé par les statuts (2).',
    );
    // Blank proxies go to the chair, whatever the cap.
    ag.record((s) => decideRecordProxy(s, { tiersId: '4' }, on));
    expect(quorumStatus(ag.state).blankProxies).toBe(1);
  });

  it('refuses a postal vote received after the deadline, in the future or naming an unknown resolution', () => {
    const ag = tenMembers();
    const late = ag.refused((s) =>
      decideRecordPostalVote(s, { tiersId: '1', receivedOn: '2026-06-10' }, on),
    );
    expect(late).toMatchObject({ code: 'postal_too_late', field: 'receivedOn' });
    expect(late.message).toBe(
      'Vote par correspondance reçu le 10/06/2026, après la date limite du 09/06/2026 : il ne peut pas être compté.',
    );
    expect(
      ag.refused((s) =>
        decideRecordPostalVote(
          s,
          { tiersId: '1', receivedOn: '2026-06-01' },
          { today: '2026-05-30' },
        ),
      ).message,
    ).toBe('La date de réception ne peut pas être dans le futur.');
    expect(
      ag.refused((s) =>
        decideRecordPostalVote(
          s,
          { tiersId: '1', receivedOn: '2026-06-01', choices: { r9: 'for' } },
          on,
        ),
      ),
    ).toMatchObject({ field: 'choices.r9' });
    expect(
      ag.refused((s) =>
        decideRecordPostalVote(
          s,
          { tiersId: '1', receivedOn: '2026-06-01', choices: { r1: 'oui' } },
          on,
        ),
      ).message,
    ).toBe('Vote : pour, contre ou abstention.');
    expect(ag.state.attendance.size).toBe(0);
  });

  it('notes presence only from the day of the assembly', () => {
    const ag = tenMembers();
    expect(
      ag.refused((s) => decideMarkPresent(s, { tiersId: '1' }, { today: '2026-06-11' })),
    ).toMatchObject({
      code: 'too_early',
      message: 'La présence se note le jour de l’assemblée (le 12/06/2026) ou après.',
    });
  });

  it('withdraws a recording, but not the presence of a member carrying proxies', () => {
    const ag = tenMembers();
    ag.record((s) => decideMarkPresent(s, { tiersId: '1' }, on));
    ag.record((s) => decideRecordProxy(s, { tiersId: '2', holderId: '1' }, on));
    expect(ag.refused((s) => decideWithdrawAttendance(s, { tiersId: '1' }, on))).toMatchObject({
      code: 'has_proxies',
      message: 'Sociétaire 0001 porte 1 pouvoir : retirez d’abord ces procurations.',
    });
    ag.record((s) => decideWithdrawAttendance(s, { tiersId: '2' }, on));
    expect(ag.state.proxiesHeld.size).toBe(0);
    ag.record((s) => decideWithdrawAttendance(s, { tiersId: '1' }, on));
    expect(quorumStatus(ag.state).counted).toBe(0);
    expect(ag.refused((s) => decideWithdrawAttendance(s, { tiersId: '1' }, on)).code).toBe(
      'not_counted',
    );
    // Once withdrawn, the member may be recorded again, another way.
    ag.record((s) => decideRecordProxy(s, { tiersId: '1' }, on));
    expect(quorumStatus(ag.state).blankProxies).toBe(1);
  });
});

describe('resolutions', () => {
  it('refuses to vote without quorum, then adds blank proxies and postal votes to the room', () => {
    const ag = tenMembers();
    ag.record((s) =>
      decideAddResolution(
        s,
        { text: 'Motion d’un sociétaire', byBoard: false },
        { resolutionId: 'r2' },
      ),
    );
    ag.record((s) =>
      decideRecordPostalVote(
        s,
        { tiersId: '4', receivedOn: '2026-06-09', choices: { r1: 'against' } },
        on,
      ),
    );
    const noQuorum = ag.refused((s) =>
      decideRecordVote(s, { resolutionId: 'r1', for: 0, against: 0, abstain: 0 }, on),
    );
    expect(noQuorum).toMatchObject({ code: 'quorum_not_reached' });
    expect(noQuorum.message).toBe(
      'Quorum non atteint (1 sociétaire compté, 2 requis) : l’assemblée ne peut pas délibérer.',
    );
    ag.record((s) => decideMarkPresent(s, { tiersId: '1' }, on));
    ag.record((s) => decideMarkPresent(s, { tiersId: '2' }, on));
    ag.record((s) => decideRecordProxy(s, { tiersId: '3', holderId: '1' }, on));
    ag.record((s) => decideRecordProxy(s, { tiersId: '5' }, on));
    const wrongTotal = ag.refused((s) =>
      decideRecordVote(s, { resolutionId: 'r1', for: '2', against: '', abstain: 0 }, on),
    );
    expect(wrongTotal).toMatchObject({ field: 'for' });
    expect(wrongTotal.message).toBe(
      'Pour, contre et abstentions doivent totaliser les 3 voix de la salle (présents et pouvoirs nominatifs) ; saisi : 2.',
    );
    const r1 = ag.record((s) =>
      decideRecordVote(s, { resolutionId: 'r1', for: 2, against: 0, abstain: 1 }, on),
    );
    expect(r1.data).toMatchObject({
      room: { for: 2, against: 0, abstain: 1 },
      blankProxies: { for: 1, against: 0, abstain: 0 },
      postal: { for: 0, against: 1, abstain: 0 },
      total: { for: 3, against: 1, abstain: 1 },
      voters: 5,
      adopted: true,
    });
    // Not the board's: the blank proxy votes against; the postal form did not mention it.
    const r2 = ag.record((s) =>
      decideRecordVote(s, { resolutionId: 'r2', for: 2, against: 1, abstain: 0 }, on),
    );
    expect(r2.data.total).toEqual({ for: 2, against: 2, abstain: 1 });
    expect(r2.data.adopted).toBe(false);
    expect(
      ag.refused((s) =>
        decideRecordVote(s, { resolutionId: 'r2', for: 3, against: 0, abstain: 0 }, on),
      ).code,
    ).toBe('already_voted');
    expect(
      ag.refused((s) => decideRecordPostalVote(s, { tiersId: '6', receivedOn: '2026-06-01' }, on))
        .code,
    ).toBe('voting_started');
  });

  it('refuses negative or fractional counts and an unknown resolution', () => {
    const ag = tenMembers();
    ag.record((s) => decideMarkPresent(s, { tiersId: '1' }, on));
    ag.record((s) => decideMarkPresent(s, { tiersId: '2' }, on));
    expect(
      ag.refused((s) =>
        decideRecordVote(s, { resolutionId: 'r1', for: 3, against: -1, abstain: 0 }, on),
      ),
    ).toMatchObject({ field: 'against', message: 'Un nombre de voix entier, 0 ou plus.' });
    expect(
      ag.refused((s) =>
        decideRecordVote(s, { resolutionId: 'r1', for: 1.5, against: 0.5, abstain: 0 }, on),
      ).field,
    ).toBe('for');
    expect(
      ag.refused((s) =>
        decideRecordVote(s, { resolutionId: 'zz', for: 2, against: 0, abstain: 0 }, on),
      ).code,
    ).toBe('not_found');
    expect(
      ag.refused((s) => decideAddResolution(s, { text: '  ' }, { resolutionId: 'x' })).field,
    ).toBe('text');
  });

  it('applies the majority rules: more for than against; at least two thirds', () => {
    const simple = majorityOf('ordinary', defaultAssemblyRules);
    const twoThirds = majorityOf('extraordinary', defaultAssemblyRules);
    expect(isAdopted({ for: 10, against: 10, abstain: 50 }, simple)).toBe(false);
    expect(isAdopted({ for: 11, against: 10, abstain: 0 }, simple)).toBe(true);
    expect(isAdopted({ for: 20, against: 10, abstain: 99 }, twoThirds)).toBe(true);
    expect(isAdopted({ for: 19, against: 10, abstain: 0 }, twoThirds)).toBe(false);
    expect(isAdopted({ for: 0, against: 0, abstain: 5 }, simple)).toBe(false);
    expect(describeMajority(simple)).toBe('plus de voix pour que contre parmi les voix exprimées');
    expect(describeMajority(twoThirds)).toBe('au moins les 2/3 des voix exprimées');
  });
});

describe('closing', () => {
  it('refuses every recording once closed', () => {
    const ag = tenMembers();
    ag.record((s) => decideMarkPresent(s, { tiersId: '1' }, on));
    const closed = ag.record((s) => decideCloseAssembly(s, {}, on));
    expect(closed.data).toEqual({
      assemblyId: 'ag-1',
      closedOn: AG_DAY,
      members: 10,
      counted: 1,
      quorumReached: false,
    });
    const refusals = [
      ag.refused((s) => decideMarkPresent(s, { tiersId: '2' }, on)),
      ag.refused((s) => decideRecordProxy(s, { tiersId: '2', holderId: '1' }, on)),
      ag.refused((s) => decideRecordPostalVote(s, { tiersId: '2', receivedOn: '2026-06-01' }, on)),
      ag.refused((s) => decideWithdrawAttendance(s, { tiersId: '1' }, on)),
      ag.refused((s) => decideAddResolution(s, { text: 'Divers' }, { resolutionId: 'r9' })),
      ag.refused((s) =>
        decideRecordVote(s, { resolutionId: 'r1', for: 1, against: 0, abstain: 0 }, on),
      ),
      ag.refused((s) => decideCloseAssembly(s, {}, on)),
    ];
    for (const e of refusals) {
      expect(e.code).toBe('already_closed');
      expect(e.message).toBe(
        'Cette assemblée est close depuis le 12/06/2026 : plus rien ne peut y être enregistré.',
      );
    }
    expect(foldAssembly('ag-1', ag.events).closedOn).toBe(AG_DAY);
  });
});

describe('configuration fractions', () => {
  it('reads 1/5, treats 0 as no quorum and refuses nonsense', () => {
    expect(parseFraction('1/5')).toEqual({ num: 1, den: 5 });
    expect(parseFraction(' 2 / 3 ')).toEqual({ num: 2, den: 3 });
    expect(parseFraction('0')).toBeNull();
    expect(() => parseFraction('3/2')).toThrow();
    expect(() => parseFraction('20%')).toThrow();
  });
});
