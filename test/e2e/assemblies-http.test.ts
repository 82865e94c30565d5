import { describe, expect, it, jest } from '@jest/globals';
import type {
  AssemblyMember,
  AssemblySummary,
  AttendanceSheet,
  Minutes,
  ResolutionView,
} from '../../projections/assemblies/assemblies.queries.js';
import type { RecordAtAssemblyResult } from '../../src/assemblies/assembly.commands.js';
import { pdfText } from '../support/pdf-text.js';
import { conveneDemoAssembly, parisToday, SAME_DAY_ASSEMBLIES } from './assembly-client.js';
import { useAppClient, type ApiError } from './http-client.js';

jest.setTimeout(60_000);

const client = useAppClient({ env: SAME_DAY_ASSEMBLIES });
const { getPage, getJson, postJson } = client;

interface AssemblyPage {
  assembly: AssemblySummary;
  resolutions: ResolutionView[];
  members: AssemblyMember[];
  total: number;
}

/** Posts an HTML form as a browser does (no redirect followed). */
async function postForm(path: string, fields: Record<string, string>) {
  const res = await client.postForm(path, fields, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

describe('general assemblies over HTTP (the demo members and their shares)', () => {
  let id = '';
  let names = new Map<string, string>();
  const api = (path: string) => `/api/ag/${id}${path}`;

  it('lists and convenes assemblies; a bad convocation gets a French error', async () => {
    const list = await getPage('/admin/ag');
    expect(list.status).toBe(200);
    expect(list.html).toContain('Convoquer une assemblée');
    // The navigation marks the page it is on.
    expect(list.html).toContain('<a href="/admin/ag" aria-current="page">Assemblées générales</a>');

    const bad = await postJson<ApiError>('/api/ag', {
      kind: 'annuelle',
      heldOn: parisToday(),
      startsAt: '18:30',
      place: 'Paris',
      call: 1,
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({
      code: 'invalid_input',
      field: 'kind',
      message: 'Choisissez le type d’assemblée : ordinaire ou extraordinaire.',
    });

    id = await conveneDemoAssembly(client, 'Assemblée e2e');
    const { body } = await getJson<AssemblyPage>(api(''));
    expect(body.total).toBe(4);
    expect(body.assembly).toMatchObject({
      label: `Assemblée générale ordinaire du ${parisToday().split('-').reverse().join('/')} — Assemblée e2e`,
      quorum: { members: 4, counted: 0, required: 1, reached: false },
    });
    names = new Map(body.members.map((m) => [m.tiersId, m.name]));
    expect(
      (await getJson<{ assemblies: AssemblySummary[] }>('/api/ag')).body.assemblies,
    ).toHaveLength(1);
  });

  it('refuses a convocation form with a bad date, keeping what was typed', async () => {
    const form = await postForm('/admin/ag', {
      type: 'ordinary',
      date: '2026-02-30',
      convocation: '1',
      titre: 'Essai',
    });
    expect(form.status).toBe(422);
    expect(form.html).toContain('La date de l’assemblée est invalide (AAAA-MM-JJ).');
    expect(form.html).toMatch(
      /id="date" name="date" type="date" value="2026-02-30" required class="invalid"/,
    );
    expect(form.html).toContain('value="Essai"');
  });

  it('records presence, proxies and refuses what breaks a rule, with the live quorum', async () => {
    const resolution = await postJson<RecordAtAssemblyResult>(api('/resolutions'), {
      text: 'Approbation des comptes',
      byBoard: true,
      idempotencyKey: 'e2e-ag-r1',
    });
    expect(resolution.status).toBe(201);
    const twice = await postJson<RecordAtAssemblyResult>(api('/resolutions'), {
      text: 'Approbation des comptes',
      byBoard: true,
      idempotencyKey: 'e2e-ag-r1',
    });
    expect(twice.body).toEqual(resolution.body);
    expect((await getJson<AssemblyPage>(api(''))).body.resolutions).toHaveLength(1);

    const present = await postJson<RecordAtAssemblyResult>(api('/presences'), { tiersId: '1' });
    expect(present.status).toBe(201);
    expect(present.body.quorum).toMatchObject({ present: 1, counted: 1, reached: true });

    const again = await postJson<ApiError>(api('/presences'), { tiersId: '1' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'already_counted', field: 'tiersId' });
    expect(again.body.error.message).toContain(`${names.get('1')} est déjà compté`);
    // The same from the page's button: the page again, the member's row flagged.
    const form = await postForm(`/admin/ag/${id}/presences`, { membre: '1', q: '', cle: 'e2e-p1' });
    expect(form.status).toBe(409);
    expect(form.html).toContain(`${names.get('1')} est déjà compté`);
    expect(form.html).toContain('<tr data-member="1" class="invalid">');

    const nonMember = await postJson<ApiError>(api('/procurations'), {
      tiersId: '2',
      holderId: '99',
    });
    expect(nonMember.status).toBe(422);
    expect(nonMember.body.error).toMatchObject({ code: 'not_a_member', field: 'holderId' });
    const absent = await postJson<ApiError>(api('/procurations'), { tiersId: '2', holderId: '4' });
    expect(absent.body.error).toMatchObject({ code: 'holder_absent', field: 'holderId' });
    // (A form received after the deadline: the integration test, whose clock moves.)
    const future = await postJson<ApiError>(api('/votes-correspondance'), {
      tiersId: '4',
      receivedOn: '2999-01-01',
    });
    expect(future.status).toBe(422);
    expect(future.body.error).toMatchObject({ code: 'invalid_input', field: 'receivedOn' });

    await postJson(api('/procurations'), { tiersId: '2', holderId: '1' });
    const blank = await postJson<RecordAtAssemblyResult>(api('/procurations'), { tiersId: '3' });
    expect(blank.body.quorum).toMatchObject({
      present: 1,
      represented: 1,
      blankProxies: 1,
      counted: 3,
    });
    const unknown = await postJson<ApiError>(api('/inconnu'), {});
    expect(unknown.status).toBe(404);
  });

  it('votes a resolution: the room, plus blank proxies for the board', async () => {
    const [r1] = (await getJson<AssemblyPage>(api(''))).body.resolutions;
    expect(r1?.blankProxies).toEqual({ for: 1, against: 0, abstain: 0 });
    const wrong = await postJson<ApiError>(api(`/resolutions/${r1!.resolutionId}/votes`), {
      for: 1,
      against: 0,
      abstain: 0,
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.message).toContain('les 2 voix de la salle');
    const vote = await postJson<RecordAtAssemblyResult>(
      api(`/resolutions/${r1!.resolutionId}/votes`),
      {
        for: 1,
        against: 1,
        abstain: 0,
      },
    );
    expect(vote.body).toMatchObject({ recorded: 'ResolutionVoted', adopted: true });
    const page = await getPage(`/admin/ag/${id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('quorum atteint');
    expect(page.html).toContain('Adoptée');
    expect(page.html).toContain('Total (3 votants, 3 voix exprimées)');
  });

  it('serves the attendance sheet as a page, JSON and PDF, and the minutes', async () => {
    const sheet = await getJson<AttendanceSheet>(api('/feuille-de-presence'));
    expect(sheet.body.totals.counted.members).toBe(3);
    expect(sheet.body.totals.absent.members).toBe(1);
    const page = await getPage(`/admin/ag/${id}/feuille-de-presence`);
    expect(page.status).toBe(200);
    for (const name of names.values()) expect(page.html).toContain(name);
    expect(page.html).toContain('Pouvoir en blanc (au président)');

    const res = await client.fetch(`/admin/ag/${id}/feuille-de-presence.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(Buffer.from(await res.arrayBuffer()));
    expect(text).toContain('Feuille de présence');
    expect(text).toContain(`Représenté par ${names.get('1')}`);
    expect(text).toContain('Total des sociétaires comptés 3');

    const minutes = await getJson<Minutes>(api('/proces-verbal'));
    expect(minutes.body.quorumStatement).toContain(
      'le quorum de 1/5 des sociétaires ayant droit de vote (1) est atteint',
    );
    const pv = await getPage(`/admin/ag/${id}/proces-verbal`);
    expect(pv.html).toContain('résolution adoptée');
  });

  it('closes the assembly; nothing more is recorded; unknown ids are 404', async () => {
    expect((await postJson(api('/cloture'), {})).status).toBe(201);
    const after = await postJson<ApiError>(api('/presences'), { tiersId: '4' });
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('already_closed');
    expect((await getJson<ApiError>('/api/ag/nope')).status).toBe(404);
    const missing = await getPage('/admin/ag/nope');
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('Assemblée introuvable.');
  });
});
