import { Body, Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { MAX_WINDOW_DAYS } from '../../domain/billing/anniversary.js';
import { addDays, formatDayFr, maxDay } from '../../domain/shared/day.js';
import { plural, pluralWord } from '../../domain/shared/plural.js';
import { DomainError } from '../../domain/shared/errors.js';
import {
  AnniversaryBillingService,
  type AccountStatus,
  type RunReport,
} from '../billing-run/anniversary-billing.service.js';
import { Clock } from '../kernel/clock.js';
import { APP_CONFIG, type AppConfig } from '../kernel/config.js';
import { formatEuros, Money } from '../../domain/shared/money.js';
import { isConfirmed, renderConfirmation, type Confirmation } from './confirmation.js';
import { PAGE_SIZE, pageHref, pager, requestedPage } from './pagination.js';
import { percent } from './catalogue.controller.js';
import { statusOf } from '../kernel/errors.js';
import { AdminOnly } from '../auth/access.decorators.js';

interface RunForm {
  du?: string;
  au?: string;
}

/** What the page lists of a run: a page of its accounts, maybe one member's or one state's. */
interface ListView {
  page: number;
  /** A customer number (Gloux's id_client), or ''. */
  client: string;
  /** An AccountStatus, or '' for all. */
  etat: string;
}

const STATUS_FILTERS: readonly { value: AccountStatus; label: string }[] = [
  { value: 'planned', label: 'À facturer' },
  { value: 'issued', label: 'Facturés' },
  { value: 'already_billed', label: 'Déjà facturés' },
  { value: 'skipped', label: 'Laissés de côté (essai)' },
  { value: 'error', label: 'En erreur' },
];

function listView(query: Record<string, unknown>): ListView {
  const client = str(query.client);
  if (client !== '' && !/^\d{1,10}$/.test(client))
    throw new DomainError('invalid_input', 'Le n° de client est un nombre (ex. 42).', 'client');
  const etat = str(query.etat);
  if (etat !== '' && !STATUS_FILTERS.some((f) => f.value === etat))
    throw new DomainError('invalid_input', 'État inconnu.', 'etat');
  return { page: requestedPage(query.page), client, etat };
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The page's input for each field an error names. */
const INPUT_OF: Record<string, string> = { from: 'du', to: 'au' };

const STATUS_CLASS: Record<string, string> = {
  issued: 'paid',
  planned: 'issued',
  already_billed: '',
  skipped: '',
  error: 'error',
};

/** The anniversary billing run: preview (dry run) and launch. */
@AdminOnly()
@Controller()
export class BillingRunController {
  constructor(
    @Inject(AnniversaryBillingService) private readonly billing: AnniversaryBillingService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * With a window: its preview (dry run). Without: the preview of what is due now, i.e. the
   * next 30 days plus the anniversaries already passed (within the 366-day limit).
   */
  @Get('/admin/facturation')
  async page(@Query() query: Record<string, unknown>, @Res() res: Response) {
    const form = { du: str(query.du), au: str(query.au) };
    await this.attempt(
      form.du === '' && form.au === '' ? await this.defaultForm() : form,
      true,
      res,
      query,
    );
  }

  /** Asks first, with what the run will issue; launches once confirmed. */
  @Post('/admin/facturation')
  async launch(@Body() body: Record<string, unknown>, @Res() res: Response) {
    const form = { du: str(body?.du), au: str(body?.au) };
    if (isConfirmed(body)) return this.attempt(form, false, res, {});
    let preview: RunReport;
    try {
      preview = await this.billing.run({
        from: form.du,
        to: form.au,
        dryRun: true,
        actor: 'admin',
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const view = { page: 1, client: '', etat: '' };
      res.status(statusOf(error)).render('billing-run', await this.model(form, view, null, error));
      return;
    }
    renderConfirmation(res, this.confirmation(form, preview));
  }

  private confirmation(form: Required<RunForm>, preview: RunReport): Confirmation {
    const { planned, already_billed: already, skipped, error } = preview.counts;
    const billed = preview.accounts.filter((a) => a.status === 'planned');
    const net = Money.sum(billed.map((a) => Money.of(a.totalNet ?? '0')));
    const total = Money.sum(billed.map((a) => Money.of(a.total ?? '0')));
    const facts = [
      `Anniversaires du ${formatDayFr(preview.from)} au ${formatDayFr(preview.to)}.`,
      planned > 0
        ? `${plural(planned, 'facture sera émise', 'factures seront émises')}, datées du ${formatDayFr(this.clock.today())}, pour ${formatEuros(net.toString())} HT, ${formatEuros(total.toString())} TTC ; l’anniversaire de ${pluralWord(planned, 'ce compte', 'ces comptes')} avance d’un an dans Gloux.`
        : 'Aucune facture à émettre dans cette période.',
      ...(already > 0
        ? [`${plural(already, 'compte déjà facturé', 'comptes déjà facturés')} : rien de plus.`]
        : []),
      ...(skipped > 0
        ? [
            `${plural(skipped, 'compte en période d’essai laissé', 'comptes en période d’essai laissés')} de côté.`,
          ]
        : []),
      ...(error > 0
        ? [
            `${plural(error, 'compte en erreur ne sera pas facturé', 'comptes en erreur ne seront pas facturés')}.`,
          ]
        : []),
    ];
    return {
      heading: 'Lancer la facturation ?',
      facts,
      warning: 'Une facture émise est numérotée et définitive : seul un avoir peut l’annuler.',
      action: '/admin/facturation',
      fields: { du: form.du, au: form.au },
      confirmLabel:
        planned > 0 ? `Émettre ${plural(planned, 'facture', 'factures')}` : 'Lancer la facturation',
      cancelHref: `/admin/facturation?${new URLSearchParams(form).toString()}`,
    };
  }

  @Get('/api/facturation')
  async data(@Query('du') from?: string, @Query('au') to?: string) {
    const upcoming = await this.billing.upcoming();
    if (!from && !to) return { upcoming, preview: null };
    return { upcoming, preview: await this.billing.run({ from, to, dryRun: true }) };
  }

  @Post('/api/facturation')
  @HttpCode(200)
  runApi(@Body() body: unknown): Promise<RunReport> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new DomainError('invalid_input', 'Corps JSON attendu : un objet.');
    }
    const { from, to, dryRun } = body as Record<string, unknown>;
    return this.billing.run({ from, to, dryRun: dryRun === true, actor: 'api' });
  }

  private async defaultForm(): Promise<Required<RunForm>> {
    const today = this.clock.today();
    const to = addDays(today, 30);
    const [oldest] = await this.billing.upcoming(1);
    const earliest = addDays(to, -(MAX_WINDOW_DAYS - 1));
    const from =
      oldest && oldest.anniversary < today ? maxDay(oldest.anniversary, earliest) : today;
    return { du: from, au: to };
  }

  private async attempt(
    form: Required<RunForm>,
    dryRun: boolean,
    res: Response,
    query: Record<string, unknown>,
  ) {
    let view: ListView = { page: 1, client: '', etat: '' };
    try {
      view = listView(query);
      const report = await this.billing.run({
        from: form.du,
        to: form.au,
        dryRun,
        actor: 'admin',
      });
      res.status(200).render('billing-run', await this.model(form, view, report));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      res.status(statusOf(error)).render('billing-run', await this.model(form, view, null, error));
    }
  }

  private reportModel(form: Required<RunForm>, view: ListView, report: RunReport) {
    const list = this.listModel(form, view, report);
    return {
      ...report,
      pager: list.pager,
      amounts: list.amounts,
      accounts: list.shown.map((a) => ({
        ...a,
        statusClass: STATUS_CLASS[a.status] ?? '',
        lines: a.lines.map((l) => ({
          ...l,
          vatRateLabel: percent(l.vatRate),
          quantityLabel: l.quantity.replace('.', ','),
        })),
      })),
    };
  }

  /**
   * The page lists a page of the run's accounts (one member's or one state's if asked); the
   * counts and the amounts to bill are over every account of the window.
   */
  private listModel(form: Required<RunForm>, view: ListView, report: RunReport) {
    const shown = report.accounts.filter(
      (a) =>
        (view.client === '' || a.customerId === view.client) &&
        (view.etat === '' || a.status === view.etat),
    );
    const billed = report.accounts.filter((a) => a.status === 'planned' || a.status === 'issued');
    const paging = pager(
      view.page,
      shown.length,
      pageHref('/admin/facturation', {
        du: form.du,
        au: form.au,
        client: view.client,
        etat: view.etat,
      }),
      // A launch's report lists every account: its pages' links would go to a new preview.
      report.dryRun ? (this.config.pageSize ?? PAGE_SIZE) : Math.max(1, shown.length),
    );
    return {
      shown: shown.slice(paging.offset, paging.offset + paging.pageSize),
      pager: paging,
      amounts: {
        net: Money.sum(billed.map((a) => Money.of(a.totalNet ?? '0'))).toString(),
        total: Money.sum(billed.map((a) => Money.of(a.total ?? '0'))).toString(),
      },
    };
  }

  private async model(
    form: Required<RunForm>,
    view: ListView,
    report: RunReport | null,
    error?: DomainError,
  ) {
    const today = this.clock.today();
    const upcoming = (await this.billing.upcoming()).map((u) => ({
      ...u,
      overdue: u.anniversary < today,
    }));
    return {
      title: 'Facturation anniversaire',
      form,
      today,
      upcoming,
      view: { ...view, filtered: view.client !== '' || view.etat !== '' },
      statusFilters: STATUS_FILTERS.map((f) => ({ ...f, selected: f.value === view.etat })),
      report: report && this.reportModel(form, view, report),
      error: error ? { message: error.message, field: error.field } : null,
      errorOn: error?.field ? { [INPUT_OF[error.field] ?? error.field]: true } : {},
    };
  }
}
