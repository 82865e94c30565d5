import { numberedMembers } from '../../domain/assemblies/assembly.testkit.js';
import { pdfText } from '../../test/support/pdf-text.js';
import {
  attendanceTotals,
  sheetQuorumLine,
  type AssemblyMember,
  type AssemblySummary,
  type AttendanceSheet,
} from '../../projections/assemblies/assemblies.queries.js';
import { renderAttendanceSheetPdf } from './attendance-sheet-pdf.js';

/** The worked example's attendance: 150 present, 60 represented, 20 blank proxies, 40 postal. */
function member(i: number): AssemblyMember {
  const m = numberedMembers(i)[i - 1]!;
  const holder = Math.floor((i - 151) / 2) + 1;
  const [attendance, status, holderId]: [AssemblyMember['attendance'], string, string | null] =
    i <= 30
      ? ['present', 'Présent, porteur de 2 pouvoirs', null]
      : i <= 150
        ? ['present', 'Présent', null]
        : i <= 210
          ? [
              'represented',
              `Représenté par Sociétaire ${String(holder).padStart(4, '0')}`,
              String(holder),
            ]
          : i <= 230
            ? ['represented', 'Pouvoir en blanc (au président)', null]
            : i <= 270
              ? ['postal', 'Vote par correspondance (reçu le 05/06/2026)', null]
              : [null, 'Absent', null];
  return {
    ...m,
    address: m.address.replace('\n', ', '),
    rowNo: i,
    votes: 1,
    attendance,
    holderId,
    holderName: holderId && `Sociétaire ${holderId.padStart(4, '0')}`,
    proxiesHeld: i <= 30 ? 2 : 0,
    receivedOn: attendance === 'postal' ? '2026-06-05' : null,
    status,
  };
}

function sheetOf(members: AssemblyMember[]): AttendanceSheet {
  const assembly: AssemblySummary = {
    assemblyId: 'ag-1',
    kind: 'ordinary',
    title: 'Exercice 2025',
    label: 'Assemblée générale ordinaire du 12/06/2026 — Exercice 2025',
    heldOn: '2026-06-12',
    call: 1,
    callLabel: 'première convocation',
    postalDeadline: '2026-06-09',
    proxyCap: 2,
    majority: { num: 1, den: 2, strict: true },
    majorityRule: 'plus de voix pour que contre parmi les voix exprimées',
    listOn: '2026-05-20',
    convenedOn: '2026-05-20',
    closedOn: null,
    startsAt: '18:30',
    startsAtLabel: '18 h 30',
    place: 'Paris',
    agenda: [],
    quorum: {
      members: 1200,
      present: 150,
      represented: 60,
      blankProxies: 20,
      postal: 40,
      counted: 270,
      absent: 930,
      quorum: { num: 1, den: 5 },
      required: 240,
      reached: true,
      rule: '1/5 des sociétaires ayant droit de vote',
    },
  };
  return {
    assembly,
    quorumLine: sheetQuorumLine(assembly),
    members,
    totals: attendanceTotals(members),
  };
}

const occurrences = (text: string, phrase: string) => text.split(phrase).length - 1;

describe('the attendance sheet PDF', () => {
  const members = Array.from({ length: 1200 }, (_, k) => member(k + 1));
  let text: string;
  beforeAll(async () => {
    const pdf = await renderAttendanceSheetPdf(sheetOf(members), 'Ouvaton');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    text = pdfText(pdf);
  });

  it('takes many pages for 1,200 members, with the heading and column titles on each', () => {
    const pages = Number(/Page 1 \/ (\d+)/.exec(text)?.[1]);
    expect(pages).toBeGreaterThan(30);
    expect(text).toContain(`Page ${pages} / ${pages}`);
    expect(occurrences(text, 'Ouvaton — Feuille de présence')).toBe(pages);
    expect(occurrences(text, 'Sociétaire et adresse')).toBe(pages);
    expect(occurrences(text, 'Présence ou représentation Signature')).toBe(pages);
  });

  it('lists every member with address, shares, vote and attendance', () => {
    expect(occurrences(text, '75011 Paris')).toBe(1200);
    expect(text).toContain(
      '1 Sociétaire 0001 2 1 Présent, porteur de 2 pouvoirs 1 rue de la Coopération, 75011 Paris',
    );
    expect(text).toContain('Représenté par Sociétaire 0030');
    expect(occurrences(text, 'Pouvoir en blanc (au président)')).toBe(20);
    // The status wraps beside the address: its date comes on the next line.
    expect(occurrences(text, 'Vote par correspondance (reçu')).toBe(40);
    expect(occurrences(text, 'le 05/06/2026)')).toBe(40);
    expect(text).toContain('1200 Sociétaire 1200 4 1 Absent 1200 rue de la Coopération');
  });

  it('ends with the totals, the quorum and the officers’ boxes', () => {
    const t = sheetOf(members).totals;
    expect(text).toContain(
      `Présents ${t.present.members} ${t.present.shares} ${t.present.members}`,
    );
    expect(text).toContain(`Total des sociétaires comptés 270 ${t.counted.shares} 270`);
    expect(text).toContain(`Sociétaires ayant droit de vote 1200 ${t.all.shares} 1200`);
    expect(text).toContain(
      'Quorum (1/5 des sociétaires ayant droit de vote) : 240 sociétaires requis, 270 comptés — atteint.',
    );
    expect(text).toContain('Le président Le secrétaire Scrutateur Scrutateur');
  });
});
