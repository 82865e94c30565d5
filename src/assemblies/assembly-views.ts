import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DomainError } from '../../domain/shared/errors.js';
import type { SellerIdentity } from '../../domain/documents/printable-document.js';
import type { AttendanceMode } from '../../projections/assemblies/assemblies.queries.js';
import { Clock } from '../kernel/clock.js';
import { ASSEMBLY_RULES, SELLER_IDENTITY } from '../kernel/config.js';
import type { AssemblyRules } from '../../domain/assemblies/rules.js';
import { str } from '../panel/form-input.js';
import { formErrorModel, formKey } from '../panel/form-page.js';
import { AssemblyPages } from './assembly-pages.service.js';
import { renderAttendanceSheetPdf } from './attendance-sheet-pdf.js';
import { noticeOf, type Done } from './assembly-notices.js';
import { assemblyLinks, memberFormUrl, pageUrl, type Back } from './assembly-urls.js';

/** Members shown at once on the assembly's page: the search narrows the list. */
const SHOWN = 200;

const FILTERS: readonly { value: AttendanceMode | 'absent' | ''; label: string }[] = [
  { value: '', label: 'Tous' },
  { value: 'absent', label: 'Non comptés' },
  { value: 'present', label: 'Présents' },
  { value: 'represented', label: 'Représentés' },
  { value: 'postal', label: 'Par correspondance' },
];

export const filterOf = (v: string): AttendanceMode | 'absent' | undefined =>
  FILTERS.some((f) => f.value === v && v !== '') ? (v as AttendanceMode | 'absent') : undefined;

/** The convening form's inputs (French names), and the domain field each one feeds. */
export const CONVENE_FIELDS = [
  'type',
  'date',
  'heure',
  'lieu',
  'convocation',
  'date_limite',
  'date_liste',
  'titre',
  'cle',
] as const;
/** One agenda row of the form: the item's title and its resolution's text. */
export interface AgendaRow {
  titre: string;
  texte: string;
}
export type ConveneForm = Record<(typeof CONVENE_FIELDS)[number], string> & {
  points: AgendaRow[];
};

/** Agenda rows the form offers at least, and blank ones after those typed. */
const AGENDA_ROWS = 5;
const AGENDA_SPARE = 2;
const AGENDA_MAX = 50;

/** The form's agenda rows point_titre_1, point_texte_1… in order (blank rows kept: the indexes match). */
export function agendaRowsOf(body: Record<string, unknown> | undefined): AgendaRow[] {
  const rows: AgendaRow[] = [];
  for (let i = 1; i <= AGENDA_MAX; i++) {
    const titre = str(body?.[`point_titre_${i}`]);
    const texte = str(body?.[`point_texte_${i}`]);
    rows.push({ titre, texte });
  }
  while (rows.length > 0 && rows.at(-1)!.titre === '' && rows.at(-1)!.texte === '') rows.pop();
  return rows;
}

/** A blank convening form: an ordinary assembly, first call. */
const BLANK_CONVENING: ConveneForm = {
  type: 'ordinary',
  date: '',
  heure: '',
  lieu: '',
  convocation: '1',
  date_limite: '',
  date_liste: '',
  titre: '',
  cle: '',
  points: [],
};

const CONVENE_INPUTS: Record<string, string> = {
  kind: 'type',
  heldOn: 'date',
  startsAt: 'heure',
  place: 'lieu',
  call: 'convocation',
  postalDeadline: 'date_limite',
  listOn: 'date_liste',
  title: 'titre',
};

/** 'agenda[2].text' → 'point_texte_3'; the other fields by CONVENE_INPUTS. */
function conveneInputOf(field: string): string {
  const m = /^agenda\[(\d+)\]\.(title|text)$/.exec(field);
  if (m) return `point_${m[2] === 'title' ? 'titre' : 'texte'}_${Number(m[1]) + 1}`;
  return CONVENE_INPUTS[field] ?? '';
}

/** Every refusal of the convening form, each with the input it names (anchored). */
function conveneErrors(error: DomainError | undefined) {
  if (!error) return { errors: [], errorOn: {} };
  const listed = (error.details?.['errors'] as
    { field: string; message: string }[] | undefined) ?? [
    { field: error.field ?? '', message: error.message },
  ];
  const errors = listed.map((e) => ({ input: conveneInputOf(e.field), message: e.message }));
  return {
    errors,
    errorOn: Object.fromEntries(errors.filter((e) => e.input).map((e) => [e.input, true])),
  };
}

export interface ProxyForm {
  membre: string;
  mandataire: string;
  q: string;
  cle: string;
}

export interface PostalForm {
  membre: string;
  date_reception: string;
  votes: Record<string, string>;
  q: string;
  cle: string;
}

/** What a refused recording from the assembly's page typed, to show it again. */
export interface Submitted {
  membre: string;
  resolution: string;
  typed: Record<string, unknown>;
}

const NOTHING_SUBMITTED: Submitted = { membre: '', resolution: '', typed: {} };

/** The models of the assembly pages (French), built from the read models. */
@Injectable()
export class AssemblyViews {
  constructor(
    @Inject(AssemblyPages) private readonly pages: AssemblyPages,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SELLER_IDENTITY) private readonly seller: SellerIdentity,
    @Inject(ASSEMBLY_RULES) private readonly rules: AssemblyRules,
  ) {}

  async list(form: ConveneForm = BLANK_CONVENING, error?: DomainError) {
    const { errors, errorOn } = conveneErrors(error);
    const rows = Math.min(AGENDA_MAX, Math.max(AGENDA_ROWS, form.points.length + AGENDA_SPARE));
    const today = this.clock.today();
    return {
      title: 'Assemblées générales',
      assemblies: await this.pages.list(),
      form: { ...form, cle: formKey(form.cle), today },
      points: Array.from({ length: rows }, (_, i) => {
        const n = i + 1;
        return {
          n,
          titre: form.points[i]?.titre ?? '',
          texte: form.points[i]?.texte ?? '',
          titreInvalid: errorOn[`point_titre_${n}`] === true,
          texteInvalid: errorOn[`point_texte_${n}`] === true,
        };
      }),
      notice: this.rules.noticeDays,
      postalDaysBefore: this.rules.postalDaysBefore,
      errors,
      errorOn,
    };
  }

  async page(
    id: string,
    query: Back & Done,
    error?: DomainError,
    submitted: Submitted = NOTHING_SUBMITTED,
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
        proxyUrl: memberFormUrl(id, 'procuration', m.tiersId, query.q),
        postalUrl: memberFormUrl(id, 'correspondance', m.tiersId, query.q),
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
      links: assemblyLinks(id),
    };
  }

  async proxy(id: string, form: ProxyForm, error?: DomainError) {
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
      links: assemblyLinks(id),
      ...errors,
    };
  }

  /** A member's postal-vote form, received today unless the clerk says otherwise. */
  blankPostal(membre: string, q: string): PostalForm {
    return { membre, date_reception: this.clock.today(), votes: {}, q, cle: '' };
  }

  async postal(id: string, form: PostalForm, error?: DomainError) {
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
      links: assemblyLinks(id),
      ...errors,
    };
  }

  async attendanceSheet(id: string) {
    const sheet = await this.pages.attendanceSheet(id);
    return {
      layout: 'layouts/document',
      title: `Feuille de présence — ${sheet.assembly.label}`,
      seller: this.seller.name,
      ...sheet,
      links: assemblyLinks(id),
    };
  }

  async minutes(id: string) {
    const m = await this.pages.minutes(id);
    return {
      layout: 'layouts/document',
      title: `Procès-verbal — ${m.assembly.label}`,
      seller: this.seller.name,
      ...m,
      links: assemblyLinks(id),
    };
  }

  /** The attendance sheet as a PDF, with the file name it is offered under. */
  async attendanceSheetPdf(id: string): Promise<{ pdf: Buffer; filename: string }> {
    const sheet = await this.pages.attendanceSheet(id);
    return {
      pdf: await renderAttendanceSheetPdf(sheet, this.seller.name),
      filename: `feuille-de-presence-${sheet.assembly.heldOn}.pdf`,
    };
  }
}
