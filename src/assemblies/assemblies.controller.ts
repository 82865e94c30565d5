import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Render,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { ConveneAssembly } from '../../domain/assemblies/assembly.js';
import { DomainError } from '../../domain/shared/errors.js';
import type { SellerIdentity } from '../../domain/documents/printable-document.js';
import type {
  AssemblyMember,
  AttendanceMode,
  ResolutionView,
} from '../../projections/assemblies/assemblies.queries.js';
import { Clock } from '../kernel/clock.js';
import { SELLER_IDENTITY } from '../kernel/config.js';
import { parseIdempotencyKey } from '../kernel/event-store/idempotency.js';
import { jsonObject, str } from '../panel/form-input.js';
import { formErrorModel, formKey, submitForm } from '../panel/form-page.js';
import { AssemblyPages } from './assembly-pages.service.js';
import {
  ConveneAssemblyCommand,
  RecordAtAssemblyCommand,
  type AssemblyRecording,
  type ConveneAssemblyResult,
  type RecordAtAssemblyResult,
} from './assembly.commands.js';
import { renderAttendanceSheetPdf } from './attendance-sheet-pdf.js';
import { AdminOnly } from '../auth/access.decorators.js';

/** Members shown at once on the assembly's page: the search narrows the list. */
const SHOWN = 200;

const FILTERS: readonly { value: AttendanceMode | 'absent' | ''; label: string }[] = [
  { value: '', label: 'Tous' },
  { value: 'absent', label: 'Non comptés' },
  { value: 'present', label: 'Présents' },
  { value: 'represented', label: 'Représentés' },
  { value: 'postal', label: 'Par correspondance' },
];

/** The JSON routes of the recordings: /api/ag/:id/<operation>. */
const API_OPERATIONS: Readonly<Record<string, AssemblyRecording['action']>> = {
  presences: 'present',
  procurations: 'proxy',
  'votes-correspondance': 'postal',
  retraits: 'withdraw',
  resolutions: 'resolution',
  cloture: 'close',
};

const CONVENE_INPUTS: Record<string, string> = {
  kind: 'type',
  heldOn: 'date',
  call: 'convocation',
  postalDeadline: 'date_limite',
  listOn: 'date_liste',
  title: 'titre',
};

const CONVENE_FIELDS = [
  'type',
  'date',
  'convocation',
  'date_limite',
  'date_liste',
  'titre',
  'cle',
] as const;

interface ConveneForm {
  type: string;
  date: string;
  convocation: string;
  date_limite: string;
  date_liste: string;
  titre: string;
  cle: string;
}

/** Where a form sends the clerk back: the list as it was (search, filter), at a section. */
interface Back {
  q: string;
  filtre: string;
}

const backOf = (body: Record<string, unknown> | undefined): Back => ({
  q: str(body?.q),
  filtre: str(body?.filtre),
});

function pageUrl(assemblyId: string, back: Back, done: Record<string, string>, anchor: string) {
  const params = new URLSearchParams();
  if (back.q) params.set('q', back.q);
  if (back.filtre) params.set('filtre', back.filtre);
  for (const [k, v] of Object.entries(done)) params.set(k, v);
  const query = params.toString();
  return `/admin/ag/${encodeURIComponent(assemblyId)}${query ? `?${query}` : ''}#${anchor}`;
}

const filterOf = (v: string): AttendanceMode | 'absent' | undefined =>
  FILTERS.some((f) => f.value === v && v !== '') ? (v as AttendanceMode | 'absent') : undefined;

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** What the page says after a recording, from the current read models. */
function noticeOf(
  done: { fait?: string; membre?: string; resolution?: string },
  members: readonly AssemblyMember[],
  named: AssemblyMember | null,
  resolutions: readonly ResolutionView[],
): string | null {
  const name = named?.name ?? members.find((m) => m.tiersId === done.membre)?.name ?? '';
  const resolution = resolutions.find((r) => r.resolutionId === done.resolution);
  switch (done.fait ?? '') {
    case 'present':
      return `${name} est noté présent.`;
    case 'procuration':
      return `Procuration de ${name} enregistrée : ${lowerFirst(named?.status ?? '')}.`;
    case 'correspondance':
      return `Vote par correspondance de ${name} enregistré.`;
    case 'retrait':
      return `${name} n’est plus compté.`;
    case 'resolution':
      return resolution ? `Résolution n° ${resolution.number} ajoutée.` : null;
    case 'vote':
      return resolution?.vote
        ? `Résolution n° ${resolution.number} ${resolution.vote.adopted ? 'adoptée' : 'rejetée'}.`
        : null;
    case 'cloture':
      return 'L’assemblée est close : la feuille de présence et le procès-verbal sont définitifs.';
    default:
      return null;
  }
}

/** General assemblies: admin pages (French), their JSON under /api/ag, the printable documents. */
@AdminOnly()
@Controller()
export class AssembliesController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(AssemblyPages) private readonly pages: AssemblyPages,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SELLER_IDENTITY) private readonly seller: SellerIdentity,
  ) {}

  // ------------------------------------------------------------------ list and convening

  @Get('/admin/ag')
  @Render('assemblies')
  list() {
    return this.listModel({
      type: 'ordinary',
      date: '',
      convocation: '1',
      date_limite: '',
      date_liste: '',
      titre: '',
      cle: '',
    });
  }

  @Post('/admin/ag')
  async convene(@Body() body: Record<string, unknown>, @Res() res: Response) {
    const form = Object.fromEntries(
      CONVENE_FIELDS.map((k) => [k, str(body?.[k])]),
    ) as unknown as ConveneForm;
    await submitForm(
      res,
      'assemblies',
      async () => {
        const result = await this.conveneCommand(
          {
            kind: form.type,
            heldOn: form.date,
            call: form.convocation,
            postalDeadline: form.date_limite,
            listOn: form.date_liste,
            title: form.titre,
          },
          'admin',
          form.cle,
        );
        return `/admin/ag/${result.assemblyId}?fait=convocation`;
      },
      (error) => this.listModel(form, error),
    );
  }

  @Get('/api/ag')
  async listApi() {
    return { assemblies: await this.pages.list() };
  }

  @Post('/api/ag')
  @HttpCode(201)
  conveneApi(@Body() body: unknown) {
    const { idempotencyKey, ...input } = jsonObject(body);
    return this.conveneCommand(input as unknown as ConveneAssembly, 'api', idempotencyKey);
  }

  // ------------------------------------------------------------------ the assembly's page

  @Get('/admin/ag/:id')
  @Render('assembly')
  page(@Param('id') id: string, @Query() query: Record<string, unknown>) {
    return this.pageModel(id, {
      ...backOf(query),
      fait: str(query.fait),
      membre: str(query.membre),
      resolution: str(query.resolution),
    });
  }

  @Get('/api/ag/:id')
  async pageApi(@Param('id') id: string, @Query() query: Record<string, unknown>) {
    const back = backOf(query);
    const detail = await this.pages.detail(id, {
      search: back.q,
      attendance: filterOf(back.filtre),
    });
    return { ...detail, links: this.links(id) };
  }

  @Post('/admin/ag/:id/presences')
  markPresent(
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const membre = str(body?.membre);
    return this.recordFromPage(res, id, body, { action: 'present', tiersId: membre }, () => ({
      fait: 'present',
      membre,
    }));
  }

  @Post('/admin/ag/:id/retraits')
  withdraw(@Param('id') id: string, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const membre = str(body?.membre);
    return this.recordFromPage(res, id, body, { action: 'withdraw', tiersId: membre }, () => ({
      fait: 'retrait',
      membre,
    }));
  }

  @Post('/admin/ag/:id/resolutions')
  addResolution(
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    return this.recordFromPage(
      res,
      id,
      body,
      // An unticked checkbox is absent from the form: not the board's.
      { action: 'resolution', text: str(body?.texte), byBoard: str(body?.conseil) === 'oui' },
      (r) => ({ fait: 'resolution', resolution: r.resolutionId ?? '' }),
      'resolutions',
    );
  }

  @Post('/admin/ag/:id/resolutions/:resolutionId/vote')
  vote(
    @Param('id') id: string,
    @Param('resolutionId') resolutionId: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    return this.recordFromPage(
      res,
      id,
      body,
      {
        action: 'vote',
        resolutionId,
        for: str(body?.pour),
        against: str(body?.contre),
        abstain: str(body?.abstention),
      },
      () => ({ fait: 'vote', resolution: resolutionId }),
      'resolutions',
    );
  }

  @Post('/admin/ag/:id/cloture')
  close(@Param('id') id: string, @Body() body: Record<string, unknown>, @Res() res: Response) {
    return this.recordFromPage(res, id, body, { action: 'close' }, () => ({ fait: 'cloture' }));
  }

  // ------------------------------------------------------------------ proxy and postal forms

  @Get('/admin/ag/:id/procuration')
  @Render('assembly-proxy')
  proxyForm(@Param('id') id: string, @Query() query: Record<string, unknown>) {
    return this.proxyModel(id, {
      membre: str(query.membre),
      mandataire: '',
      q: str(query.q),
      cle: '',
    });
  }

  @Post('/admin/ag/:id/procurations')
  async recordProxy(
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const form = {
      membre: str(body?.membre),
      mandataire: str(body?.mandataire),
      q: str(body?.q),
      cle: str(body?.cle),
    };
    await this.submitMemberForm(
      res,
      'assembly-proxy',
      id,
      form,
      { action: 'proxy', tiersId: form.membre, holderId: form.mandataire },
      'procuration',
      (error) => this.proxyModel(id, form, error),
    );
  }

  @Get('/admin/ag/:id/correspondance')
  @Render('assembly-postal')
  postalForm(@Param('id') id: string, @Query() query: Record<string, unknown>) {
    return this.postalModel(id, {
      membre: str(query.membre),
      date_reception: this.clock.today(),
      votes: {},
      q: str(query.q),
      cle: '',
    });
  }

  @Post('/admin/ag/:id/correspondances')
  async recordPostal(
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const votes: Record<string, string> = {};
    for (const [k, v] of Object.entries(body ?? {})) {
      if (k.startsWith('vote_')) votes[k.slice(5)] = str(v);
    }
    const form = {
      membre: str(body?.membre),
      date_reception: str(body?.date_reception),
      votes,
      q: str(body?.q),
      cle: str(body?.cle),
    };
    await this.submitMemberForm(
      res,
      'assembly-postal',
      id,
      form,
      { action: 'postal', tiersId: form.membre, receivedOn: form.date_reception, choices: votes },
      'correspondance',
      (error) => this.postalModel(id, form, error),
    );
  }

  // ------------------------------------------------------------------ JSON recordings

  @Post('/api/ag/:id/resolutions/:resolutionId/votes')
  @HttpCode(201)
  voteApi(
    @Param('id') id: string,
    @Param('resolutionId') resolutionId: string,
    @Body() body: unknown,
  ) {
    return this.recordApi(id, { ...jsonObject(body), resolutionId }, 'vote');
  }

  /** presences, procurations, votes-correspondance, retraits, resolutions, cloture. */
  @Post('/api/ag/:id/:operation')
  @HttpCode(201)
  recordApiRoute(
    @Param('id') id: string,
    @Param('operation') operation: string,
    @Body() body: unknown,
  ) {
    const action = API_OPERATIONS[operation];
    if (!action) throw new DomainError('not_found', 'Opération inconnue.');
    return this.recordApi(id, body ?? {}, action);
  }

  // ------------------------------------------------------------------ documents

  @Get('/admin/ag/:id/feuille-de-presence.pdf')
  async attendanceSheetPdf(@Param('id') id: string): Promise<StreamableFile> {
    const sheet = await this.pages.attendanceSheet(id);
    const pdf = await renderAttendanceSheetPdf(sheet, this.seller.name);
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      disposition: `inline; filename="feuille-de-presence-${sheet.assembly.heldOn}.pdf"`,
    });
  }

  @Get('/admin/ag/:id/feuille-de-presence')
  @Render('attendance-sheet')
  async attendanceSheet(@Param('id') id: string) {
    const sheet = await this.pages.attendanceSheet(id);
    return {
      layout: 'layouts/document',
      title: `Feuille de présence — ${sheet.assembly.label}`,
      seller: this.seller.name,
      ...sheet,
      links: this.links(id),
    };
  }

  @Get('/api/ag/:id/feuille-de-presence')
  async attendanceSheetApi(@Param('id') id: string) {
    return { ...(await this.pages.attendanceSheet(id)), links: this.links(id) };
  }

  @Get('/admin/ag/:id/proces-verbal')
  @Render('assembly-minutes')
  async minutes(@Param('id') id: string) {
    const m = await this.pages.minutes(id);
    return {
      layout: 'layouts/document',
      title: `Procès-verbal — ${m.assembly.label}`,
      seller: this.seller.name,
      ...m,
      links: this.links(id),
    };
  }

  @Get('/api/ag/:id/proces-verbal')
  async minutesApi(@Param('id') id: string) {
    return { ...(await this.pages.minutes(id)), links: this.links(id) };
  }

  // ------------------------------------------------------------------ helpers

  private formUrl(id: string, form: string, tiersId: string, q: string) {
    const params = new URLSearchParams({ membre: tiersId });
    if (q) params.set('q', q);
    return `/admin/ag/${encodeURIComponent(id)}/${form}?${params.toString()}`;
  }

  private links(id: string) {
    const page = `/admin/ag/${encodeURIComponent(id)}`;
    return {
      page,
      json: `/api/ag/${encodeURIComponent(id)}`,
      attendanceSheet: `${page}/feuille-de-presence`,
      attendanceSheetPdf: `${page}/feuille-de-presence.pdf`,
      minutes: `${page}/proces-verbal`,
    };
  }

  private conveneCommand(input: ConveneAssembly, actor: string, key: unknown) {
    return this.commands.execute<ConveneAssemblyCommand, ConveneAssemblyResult>(
      new ConveneAssemblyCommand(input, actor, parseIdempotencyKey(key)),
    );
  }

  private record(id: string, recording: AssemblyRecording, actor: string, key: unknown) {
    return this.commands.execute<RecordAtAssemblyCommand, RecordAtAssemblyResult>(
      new RecordAtAssemblyCommand(id, recording, actor, parseIdempotencyKey(key)),
    );
  }

  private recordApi(id: string, body: unknown, action: AssemblyRecording['action']) {
    const { idempotencyKey, ...input } = jsonObject(body);
    return this.record(id, { ...input, action } as AssemblyRecording, 'api', idempotencyKey);
  }

  /** A recording from the proxy or postal form: back to the list where the clerk was. */
  private submitMemberForm(
    res: Response,
    view: string,
    id: string,
    form: { membre: string; q: string; cle: string },
    recording: AssemblyRecording,
    fait: string,
    rerender: (error: DomainError) => Promise<object>,
  ) {
    return submitForm(
      res,
      view,
      async () => {
        await this.record(id, recording, 'admin', form.cle);
        return pageUrl(id, { q: form.q, filtre: '' }, { fait, membre: form.membre }, 'membres');
      },
      rerender,
    );
  }

  /** A recording from the assembly's page: back to the page, or the page again with the error. */
  private async recordFromPage(
    res: Response,
    id: string,
    body: Record<string, unknown> | undefined,
    recording: AssemblyRecording,
    done: (r: RecordAtAssemblyResult) => Record<string, string>,
    anchor = 'membres',
  ) {
    const back = backOf(body);
    await submitForm(
      res,
      'assembly',
      async () =>
        pageUrl(id, back, done(await this.record(id, recording, 'admin', body?.cle)), anchor),
      (error) =>
        this.pageModel(id, { ...back }, error, {
          membre: str(body?.membre),
          resolution: recording.action === 'vote' ? String(recording.resolutionId) : '',
          typed: body ?? {},
        }),
    );
  }

  private async listModel(form: ConveneForm, error?: DomainError) {
    const errors = formErrorModel(error, (field) => CONVENE_INPUTS[field] ?? '');
    return {
      title: 'Assemblées générales',
      assemblies: await this.pages.list(),
      form: { ...form, cle: formKey(form.cle), today: this.clock.today() },
      ...errors,
    };
  }

  private async pageModel(
    id: string,
    query: Back & { fait?: string; membre?: string; resolution?: string },
    error?: DomainError,
    submitted: { membre: string; resolution: string; typed: Record<string, unknown> } = {
      membre: '',
      resolution: '',
      typed: {},
    },
  ) {
    const attendance = filterOf(query.filtre);
    const detail = await this.pages.detail(id, { search: query.q, attendance, limit: SHOWN });
    const { assembly } = detail;
    const closed = assembly.closedOn !== null;
    const named = query.membre && query.fait ? await this.pages.findMember(id, query.membre) : null;
    const errors = formErrorModel(error, (field) =>
      field === 'text' ? 'texte' : field === 'tiersId' ? 'membre' : field,
    );
    // One nonce per page: each row's buttons get their own idempotency key from it.
    const nonce = randomUUID();
    const inRoom = assembly.quorum.present + assembly.quorum.represented;
    const countOn = (field: string) => errors.errorOn[field] === true;
    return {
      title: assembly.label,
      assembly,
      closed,
      notice: error ? null : noticeOf(query, detail.members, named, detail.resolutions),
      ...errors,
      search: { q: query.q, filtre: query.filtre },
      filters: FILTERS.map((f) => ({ ...f, selected: f.value === query.filtre })),
      shown: detail.members.length,
      total: detail.total,
      more: detail.total > detail.members.length,
      members: detail.members.map((m) => ({
        ...m,
        counted: m.attendance !== null,
        invalid: error !== undefined && submitted.membre === m.tiersId,
        proxyUrl: this.formUrl(id, 'procuration', m.tiersId, query.q),
        postalUrl: this.formUrl(id, 'correspondance', m.tiersId, query.q),
        presentKey: `${nonce}-present-${m.tiersId}`,
        withdrawKey: `${nonce}-withdraw-${m.tiersId}`,
      })),
      inRoom,
      resolutions: detail.resolutions.map((r) => {
        const failed = error !== undefined && submitted.resolution === r.resolutionId;
        return {
          ...r,
          failed,
          typed: failed
            ? {
                pour: str(submitted.typed.pour),
                contre: str(submitted.typed.contre),
                abstention: str(submitted.typed.abstention),
              }
            : { pour: '', contre: '', abstention: '' },
          invalid: {
            pour: failed && countOn('for'),
            contre: failed && countOn('against'),
            abstention: failed && countOn('abstain'),
          },
          voteKey: `${nonce}-vote-${r.resolutionId}`,
        };
      }),
      newResolution: {
        texte: error && errors.errorOn.texte ? str(submitted.typed.texte) : '',
        key: `${nonce}-resolution`,
      },
      closeKey: `${nonce}-close`,
      links: this.links(id),
    };
  }

  private async proxyModel(
    id: string,
    form: { membre: string; mandataire: string; q: string; cle: string },
    error?: DomainError,
  ) {
    const { assembly, member, present } = await this.pages.member(id, form.membre);
    const errors = formErrorModel(error, (field) =>
      field === 'holderId' ? 'mandataire' : field === 'tiersId' ? 'membre' : '',
    );
    return {
      title: `Procuration — ${member.name}`,
      assembly,
      member,
      holders: present
        .filter((p) => p.tiersId !== member.tiersId)
        .map((p) => ({
          ...p,
          full: p.proxiesHeld >= assembly.proxyCap,
          selected: p.tiersId === form.mandataire,
        })),
      blankSelected: form.mandataire === '',
      backUrl: pageUrl(id, { q: form.q, filtre: '' }, {}, 'membres'),
      form: { ...form, cle: formKey(form.cle) },
      links: this.links(id),
      ...errors,
    };
  }

  private async postalModel(
    id: string,
    form: {
      membre: string;
      date_reception: string;
      votes: Record<string, string>;
      q: string;
      cle: string;
    },
    error?: DomainError,
  ) {
    const { assembly, member, resolutions } = await this.pages.member(id, form.membre);
    const errors = formErrorModel(error, (field) =>
      field === 'receivedOn'
        ? 'date_reception'
        : field.startsWith('choices.')
          ? `vote_${field.slice(8)}`
          : field === 'tiersId'
            ? 'membre'
            : '',
    );
    return {
      title: `Vote par correspondance — ${member.name}`,
      assembly,
      member,
      resolutions: resolutions.map((r) => {
        const chosen = form.votes[r.resolutionId] ?? '';
        return {
          ...r,
          options: [
            { value: 'for', label: 'Pour' },
            { value: 'against', label: 'Contre' },
            { value: 'abstain', label: 'Abstention' },
          ].map((o) => ({ ...o, checked: o.value === chosen })),
          invalid: errors.errorOn[`vote_${r.resolutionId}`] === true,
        };
      }),
      form: { ...form, cle: formKey(form.cle) },
      backUrl: pageUrl(id, { q: form.q, filtre: '' }, {}, 'membres'),
      links: this.links(id),
      ...errors,
    };
  }
}
