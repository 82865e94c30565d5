import { Body, Controller, Get, Inject, Param, Post, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../../domain/shared/errors.js';
import { plural } from '../../domain/shared/plural.js';
import { Clock } from '../kernel/clock.js';
import { reasonLabel } from './account-labels.js';
import { AccountLifecycle } from './account-lifecycle.js';
import { AfterCommit } from './after-commit.js';
import { LifecyclePagesQueries, type AccountListItem } from './lifecycle-pages.queries.js';
import { MailOutbox } from './mail-outbox.js';
import { JobQueue } from '../kernel/jobs/job-queue.js';
import { isConfirmed, renderConfirmation } from '../panel/confirmation.js';
import { jobView } from './lifecycle-pages.queries.js';
import { requestedSort, sortHeaders, sortRows, type Sort } from '../panel/sorting.js';
import { AdminOnly } from '../auth/access.decorators.js';

function days(value: unknown, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3650)
    throw new DomainError('invalid_input', 'Nombre de jours invalide (1 à 3650).', 'jours');
  return n;
}

function numericId(value: string): number {
  if (!/^\d{1,12}$/.test(value)) throw new DomainError('not_found', 'Élément introuvable.');
  return Number(value);
}

const withLabels = <T extends { reasons: { reason: string }[] }>(list: T[]) =>
  list.map((a) => ({
    ...a,
    reasons: a.reasons.map((r) => ({ ...r, label: reasonLabel(r.reason) })),
  }));

/** The sortable columns of the account lists (?tri=), each a key of the rows shown. */
const ACCOUNT_KEYS = {
  hebergement: (a: AccountListItem) => a.name,
  adherent: (a: AccountListItem) => a.customerName,
  ouverture: (a: AccountListItem) => a.openedOn ?? '',
  essai: (a: AccountListItem) => a.trialEndsOn ?? '',
  fermeture: (a: AccountListItem) => a.closesOn ?? '',
} as const;
type AccountColumn = keyof typeof ACCOUNT_KEYS;
const NEW_LABELS = {
  hebergement: 'Hébergement',
  adherent: 'Adhérent',
  ouverture: 'Ouvert le',
  essai: 'Fin d’essai',
} satisfies Partial<Record<AccountColumn, string>>;
const NEW_COLUMNS = Object.keys(NEW_LABELS) as (keyof typeof NEW_LABELS)[];
const SUSPENDED_LABELS = {
  hebergement: 'Hébergement',
  adherent: 'Adhérent',
  fermeture: 'Préavis de fermeture',
} satisfies Partial<Record<AccountColumn, string>>;
const SUSPENDED_COLUMNS = Object.keys(SUSPENDED_LABELS) as (keyof typeof SUSPENDED_LABELS)[];

/** Accounts in the order asked, the account number breaking ties (stable from one load to the next). */
const sortAccounts = (list: AccountListItem[], sort: Sort<AccountColumn>) =>
  sortRows(list, ACCOUNT_KEYS[sort.column], sort.order, (a) => Number(a.accountId));

/** Admin pages of the account lifecycle, each with its JSON twin under /api. */
@AdminOnly()
@Controller()
export class LifecycleAdminController {
  constructor(
    @Inject(LifecyclePagesQueries) private readonly queries: LifecyclePagesQueries,
    @Inject(AccountLifecycle) private readonly accounts: AccountLifecycle,
    @Inject(MailOutbox) private readonly mail: MailOutbox,
    @Inject(JobQueue) private readonly jobs: JobQueue,
    @Inject(AfterCommit) private readonly afterCommit: AfterCommit,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get('/api/comptes/nouveaux')
  newAccountsData(@Query('jours') jours?: string) {
    return this.queries.newAccounts(this.clock.today(), days(jours, 30));
  }

  @Get('/admin/comptes/nouveaux')
  @Render('accounts-new')
  async newAccounts(
    @Query('jours') jours?: string,
    @Query('converti') converted?: string,
    @Query() query: Record<string, unknown> = {},
  ) {
    const data = await this.queries.newAccounts(this.clock.today(), days(jours, 30));
    const sort = requestedSort(query, NEW_COLUMNS, { column: 'ouverture', order: 'desc' });
    return {
      title: 'Nouveaux comptes',
      ...data,
      recent: withLabels(sortAccounts(data.recent, sort)),
      headers: sortHeaders(
        '/admin/comptes/nouveaux',
        { jours: jours && /^\d{1,4}$/.test(jours) ? jours : null },
        NEW_LABELS,
        sort,
      ),
      trials: withLabels(data.trials),
      days: days(jours, 30),
      converted: typeof converted === 'string' && /^\d+$/.test(converted) ? converted : null,
    };
  }

  @Post('/admin/comptes/:id/conversion')
  async convert(@Param('id') id: string, @Res() res: Response) {
    numericId(id);
    await this.accounts.convert(id, 'admin');
    res.redirect(303, `/admin/comptes/nouveaux?converti=${encodeURIComponent(id)}`);
  }

  @Post('/api/comptes/:id/conversion')
  async convertData(@Param('id') id: string) {
    numericId(id);
    const events = await this.accounts.convert(id, 'admin');
    return { accountId: id, events: events.map((e) => e.type) };
  }

  @Get('/api/comptes/fermetures')
  closingData(@Query('jours') jours?: string) {
    return this.queries.closingAccounts(this.clock.today(), days(jours, 90));
  }

  @Get('/admin/comptes/fermetures')
  @Render('accounts-closing')
  async closing(@Query('jours') jours?: string) {
    const data = await this.queries.closingAccounts(this.clock.today(), days(jours, 90));
    return {
      title: 'Comptes en fermeture',
      ...data,
      closing: withLabels(data.closing),
      closed: withLabels(data.closed),
      days: days(jours, 90),
    };
  }

  @Get('/api/comptes/suspendus')
  async suspendedData() {
    return { accounts: await this.queries.suspendedAccounts() };
  }

  @Get('/admin/comptes/suspendus')
  @Render('accounts-suspended')
  async suspended(@Query() query: Record<string, unknown>) {
    const sort = requestedSort(query, SUSPENDED_COLUMNS, { column: 'hebergement', order: 'asc' });
    return {
      title: 'Comptes suspendus',
      accounts: withLabels(sortAccounts(await this.queries.suspendedAccounts(), sort)),
      headers: sortHeaders('/admin/comptes/suspendus', {}, SUSPENDED_LABELS, sort),
    };
  }

  @Get('/api/courriels')
  async mailsData(@Query('statut') status?: string) {
    return { smtp: this.mail.configured, messages: await this.queries.mails(status) };
  }

  @Get('/admin/courriels')
  @Render('mails')
  async mails(@Query('statut') status?: string) {
    return {
      title: 'Courriels',
      smtp: this.mail.configured,
      status: status ?? '',
      messages: await this.queries.mails(status),
      errors: this.afterCommit.errors(),
    };
  }

  @Post('/admin/courriels/:id/renvoi')
  async resend(@Param('id') id: string, @Res() res: Response) {
    if (!(await this.mail.retry(numericId(id))))
      throw new DomainError(
        'conflict',
        'Ce courriel n’est pas en échec (ou n’a pas de destinataire).',
      );
    void this.afterCommit.wake();
    res.redirect(303, '/admin/courriels');
  }

  @Get('/api/provisionnement')
  async runsData() {
    return { runs: await this.queries.provisioningRuns(), errors: this.afterCommit.errors() };
  }

  @Get('/admin/provisionnement')
  @Render('provisioning')
  async runs() {
    return {
      title: 'Provisionnement',
      runs: await this.queries.provisioningRuns(),
      errors: this.afterCommit.errors(),
    };
  }

  /** « Relancer » a failed job: first a page saying what will run again, then the requeue. */
  @Post('/admin/provisionnement/:id/relance')
  async rerun(
    @Param('id') id: string,
    @Body() body: Record<string, unknown> | undefined,
    @Res() res: Response,
  ) {
    const row = await this.jobs.job(numericId(id));
    if (!row) throw new DomainError('not_found', 'Travail introuvable.');
    if (row.status !== 'failed')
      throw new DomainError('conflict', 'Ce travail n’est pas en échec.');
    if (!isConfirmed(body)) {
      const job = jobView(row);
      return renderConfirmation(res, {
        heading: 'Relancer ce travail ?',
        facts: [
          `${job.kindLabel} : ${job.target}`,
          `${plural(job.attempts, 'essai', 'essais')} en échec, le dernier : ${job.last_error ?? 'sans message'}`,
          'Le script sera lancé de nouveau, avec autant d’essais qu’un nouveau travail.',
        ],
        warning:
          'Vérifiez d’abord que la cause de l’échec est réglée : le script agit sur le serveur.',
        action: `/admin/provisionnement/${job.id}/relance`,
        fields: {},
        confirmLabel: 'Relancer',
        cancelHref: '/admin/provisionnement',
      });
    }
    if (!(await this.jobs.retry(row.id)))
      throw new DomainError('conflict', 'Ce travail n’est pas en échec.');
    void this.afterCommit.wake();
    res.redirect(303, '/admin/provisionnement');
  }

  // Last: '/api/comptes/:id' must not shadow '/api/comptes/nouveaux' or '/fermetures'.
  @Get('/api/comptes/:id')
  async accountData(@Param('id') id: string) {
    numericId(id);
    const account = await this.queries.account(id);
    if (!account) throw new DomainError('not_found', 'Compte d’hébergement inconnu.');
    return account;
  }
}
