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
import { formatDayFr, isDay } from '../../domain/shared/day.js';
import { DomainError } from '../../domain/shared/errors.js';
import { formatEuros } from '../../domain/shared/money.js';
import { plural } from '../../domain/shared/plural.js';
import { printableCapitalListing } from '../../domain/shares/share-documents.js';
import { parseIdempotencyKey } from '../kernel/event-store/idempotency.js';
import { jsonObject, str } from '../panel/form-input.js';
import { formErrorModel, formKey, submitForm } from '../panel/form-page.js';
import { capitalListingXlsx } from './capital-listing-xlsx.js';
import {
  CancelSharesCommand,
  PayRedemptionCommand,
  PayUpSharesCommand,
  RedeemSharesCommand,
  SubscribeSharesCommand,
  TransferSharesCommand,
  WithdrawRedemptionCommand,
  type PayRedemptionResult,
  type ShareMovementResult,
} from './shares.commands.js';
import { SharesPages } from './shares-pages.service.js';
import { ShareMovements } from './shares.handlers.js';
import { shareConfirmation } from './shares-confirmations.js';
import { confirmThenSubmit } from '../panel/confirmation.js';
import {
  decideCancelShares,
  decideRedeemShares,
  decideWithdrawRedemption,
} from '../../domain/shares/share-movements.js';
import { APP_CONFIG, type AppConfig } from '../kernel/config.js';
import { foldText } from '../../domain/shared/text.js';
import { PAGE_SIZE, pageHref, pager, requestedPage } from '../panel/pagination.js';
import { requestedSort, sortHeaders, sortParams, sortRows, type Sort } from '../panel/sorting.js';
import { renderCapitalListingPdf } from './shares-pdf.js';
import { AdminOnly } from '../auth/access.decorators.js';

/** The admin forms, by action (the path after /admin/parts/). */
const ACTIONS = ['souscription', 'liberation', 'cession', 'remboursement', 'annulation'] as const;
type Action = (typeof ACTIONS)[number];

/** Form inputs (French names) per domain field. */
const INPUTS: Record<string, string> = {
  tiersId: 'tiers',
  fromTiersId: 'cedant',
  toTiersId: 'cessionnaire',
  count: 'nombre',
  numbers: 'numeros',
  on: 'date',
  reference: 'reference',
  reason: 'motif',
  legacyPaymentId: 'paiement',
  method: 'mode',
  bank: 'banque',
};

const FIELDS = [
  'tiers',
  'cedant',
  'cessionnaire',
  'nombre',
  'numeros',
  'date',
  'reference',
  'motif',
  'paiement',
  'liberee',
  'mode',
  'banque',
  'cle',
] as const;
type Form = Record<(typeof FIELDS)[number], string>;

const DONE: Record<ShareMovementResult['kind'], string> = {
  subscription: 'Souscription enregistrée',
  payment: 'Libération enregistrée',
  transfer: 'Cession enregistrée',
  redemption: 'Remboursement enregistré',
  queued: 'Remboursement mis en attente (plancher du capital)',
  withdrawal: 'Demande de remboursement retirée',
  cancellation: 'Annulation enregistrée',
};

/** The notice shown after a movement, from the redirect's query string. */
function noticeOf(query: Record<string, unknown>): string | null {
  if (/^\d+\.\d{2}$/.test(str(query.verse)))
    return `Remboursement de ${formatEuros(str(query.verse))} versé au tiers ${str(query.tiers)}${isDay(str(query.le)) ? ` le ${formatDayFr(str(query.le))}` : ''}.`;
  const kind = str(query.fait) as ShareMovementResult['kind'];
  if (!(kind in DONE)) return null;
  const parts = str(query.parts);
  const nouvelles = str(query.nouvelles);
  const executed = Number(str(query.executees) || 0);
  return (
    `${DONE[kind]}${parts ? ` : parts ${parts}` : ''}${nouvelles ? ` → nouvelles parts ${nouvelles}` : ''}.` +
    (executed > 0
      ? ` ${plural(executed, 'remboursement en attente exécuté', 'remboursements en attente exécutés')}.`
      : '')
  );
}

function doneUrl(r: ShareMovementResult): string {
  const q = new URLSearchParams({ fait: r.kind, parts: r.numbers });
  if (r.newNumbers) q.set('nouvelles', r.newNumbers);
  if (r.executedRequests.length > 0) q.set('executees', String(r.executedRequests.length));
  return `/admin/parts?${q.toString()}`;
}

/** A redemption's or a cancellation's input, from its form. */
const retirement = (f: Form) => ({
  tiersId: f.tiers,
  numbers: f.numeros,
  on: f.date,
  reason: f.motif,
});

/** The holders table's sortable columns (?tri=): headers, and the key each sorts by. */
const HOLDER_LABELS = {
  tiers: 'N° tiers',
  associe: 'Associé',
  nombre: 'Nombre',
  montant: 'Montant',
} as const;
type HolderColumn = keyof typeof HOLDER_LABELS;
const HOLDER_COLUMNS = Object.keys(HOLDER_LABELS) as HolderColumn[];
const HOLDER_KEYS: Record<
  HolderColumn,
  (h: { tiersId: string; name: string; shares: number; amount: string }) => string | number
> = {
  tiers: (h) => Number(h.tiersId),
  associe: (h) => h.name,
  nombre: (h) => h.shares,
  // Cents as a whole number: amounts compare by value.
  montant: (h) => Number(h.amount.replace('.', '')),
};

/** Members listed under the search box at most (a longer list asks for a narrower search). */
const MEMBER_MATCHES = 20;

const fileName = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

/** /admin/parts: movements, register, daily capital, capital listing (page, PDF, xlsx) and JSON. */
@AdminOnly()
@Controller()
export class SharesAdminController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(SharesPages) private readonly pages: SharesPages,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ShareMovements) private readonly movements: ShareMovements,
  ) {}

  @Get('/admin/parts')
  @Render('shares-admin')
  async adminPage(@Query() query: Record<string, unknown>) {
    const search = str(query.recherche).trim().slice(0, 100);
    // ?tiers=: a member chosen from the search's list, without JavaScript, fills the forms.
    const tiers = /^\d{1,10}$/.test(str(query.tiers)) ? str(query.tiers) : '';
    const sort = requestedSort(query, HOLDER_COLUMNS, null);
    const view = { page: requestedPage(query.page), search, tiers, sort };
    return this.adminModel(null, this.blank(), undefined, noticeOf(query), view);
  }

  @Get('/api/parts')
  overview() {
    return this.pages.overview();
  }

  @Post('/admin/parts/:action')
  async submit(
    @Param('action') action: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const form = Object.fromEntries(FIELDS.map((f) => [f, str(body?.[f])])) as Form;
    if (!(ACTIONS as readonly string[]).includes(action))
      throw new DomainError('not_found', 'Page introuvable.');
    const act = action as Action;
    const done = async () => doneUrl(await this.execute(act, form, 'admin'));
    const rerender = (error: DomainError) => this.adminModel(act, form, error, null);
    if (act !== 'remboursement' && act !== 'annulation')
      return submitForm(res, 'shares-admin', done, rerender);
    // Shares leave the capital for good: the page says what will happen first.
    const decide = act === 'remboursement' ? decideRedeemShares : decideCancelShares;
    await confirmThenSubmit(
      res,
      body,
      'shares-admin',
      async () =>
        shareConfirmation(
          act,
          await this.movements.preview((state, ctx) => decide(state, retirement(form), ctx)),
          { action: `/admin/parts/${act}`, fields: form },
        ),
      done,
      rerender,
    );
  }

  @Post('/admin/parts/demandes/:requestId/retrait')
  async withdraw(
    @Param('requestId') requestId: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const input = { requestId, on: str(body?.date) || this.pages.today() };
    const cle = str(body?.cle);
    await confirmThenSubmit(
      res,
      body,
      'shares-admin',
      async () =>
        shareConfirmation(
          'retrait',
          await this.movements.preview((state, ctx) => decideWithdrawRedemption(state, input, ctx)),
          { action: `/admin/parts/demandes/${requestId}/retrait`, fields: { date: input.on, cle } },
        ),
      async () =>
        doneUrl(
          await this.commands.execute<WithdrawRedemptionCommand, ShareMovementResult>(
            new WithdrawRedemptionCommand(input, 'admin', parseIdempotencyKey(cle)),
          ),
        ),
      (error) => this.adminModel(null, this.blank(), error, null),
    );
  }

  /** Pays back a redemption's capital (4567 → 512) on the day given. */
  @Post('/admin/parts/remboursements/:redemptionId/versement')
  async payRedemption(
    @Param('redemptionId') redemptionId: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    await submitForm(
      res,
      'shares-admin',
      async () => {
        const r = await this.payout(redemptionId, body, 'admin');
        return `/admin/parts?${new URLSearchParams({ verse: r.amount, tiers: r.tiersId, le: r.on }).toString()}`;
      },
      (error) => this.adminModel(null, this.blank(), error, null),
    );
  }

  @Post('/api/parts/remboursements/:redemptionId/versement')
  @HttpCode(201)
  payRedemptionApi(@Param('redemptionId') redemptionId: string, @Body() body: unknown) {
    const b = jsonObject(body);
    return this.payout(
      redemptionId,
      { date: b.on, mode: b.method, reference: b.reference, cle: b.idempotencyKey },
      'api',
    );
  }

  private payout(redemptionId: string, form: Record<string, unknown>, actor: string) {
    return this.commands.execute<PayRedemptionCommand, PayRedemptionResult>(
      new PayRedemptionCommand(
        {
          redemptionId,
          on: str(form.date),
          method: str(form.mode),
          reference: str(form.reference),
        },
        actor,
        parseIdempotencyKey(str(form.cle)),
      ),
    );
  }

  @Post('/api/parts/souscriptions')
  @HttpCode(201)
  subscribeApi(@Body() body: unknown) {
    return this.api(body, (input, key) => new SubscribeSharesCommand(input as never, 'api', key));
  }

  @Post('/api/parts/liberations')
  @HttpCode(201)
  payUpApi(@Body() body: unknown) {
    return this.api(body, (input, key) => new PayUpSharesCommand(input as never, 'api', key));
  }

  @Post('/api/parts/cessions')
  @HttpCode(201)
  transferApi(@Body() body: unknown) {
    return this.api(body, (input, key) => new TransferSharesCommand(input as never, 'api', key));
  }

  @Post('/api/parts/remboursements')
  @HttpCode(201)
  redeemApi(@Body() body: unknown) {
    return this.api(body, (input, key) => new RedeemSharesCommand(input as never, 'api', key));
  }

  @Post('/api/parts/annulations')
  @HttpCode(201)
  cancelApi(@Body() body: unknown) {
    return this.api(body, (input, key) => new CancelSharesCommand(input as never, 'api', key));
  }

  @Post('/api/parts/demandes/:requestId/retrait')
  @HttpCode(201)
  withdrawApi(@Param('requestId') requestId: string, @Body() body: unknown) {
    const { idempotencyKey, on } = jsonObject(body);
    return this.commands.execute(
      new WithdrawRedemptionCommand(
        { requestId, on: typeof on === 'string' ? on : this.pages.today() },
        'api',
        parseIdempotencyKey(idempotencyKey),
      ),
    );
  }

  @Get('/admin/parts/registre')
  @Render('shares-register')
  async registerPage() {
    return {
      layout: 'layouts/document',
      title: 'Registre des mouvements de titres',
      ...(await this.pages.register()),
      seller: this.pages.seller,
    };
  }

  @Get('/api/parts/registre')
  registerApi() {
    return this.pages.register();
  }

  @Get('/admin/parts/capital')
  @Render('shares-capital')
  async capitalPage(@Query('jour') jour: unknown) {
    return { title: 'Capital social', ...(await this.pages.capital(jour)) };
  }

  @Get('/api/parts/capital')
  async capitalApi(@Query('jour') jour: unknown) {
    // The chart is for the page; the JSON has its figures (history).
    return { ...(await this.pages.capital(jour)), chart: undefined };
  }

  @Get('/admin/parts/liste.pdf')
  async listingPdf(@Query('jour') jour: unknown): Promise<StreamableFile> {
    const listing = await this.pages.listing(jour);
    const pdf = await renderCapitalListingPdf(printableCapitalListing(listing), listing.day);
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      disposition: `inline; filename="${fileName(`capital-${listing.day}.pdf`)}"`,
    });
  }

  @Get('/admin/parts/liste.xlsx')
  async listingXlsx(@Query('jour') jour: unknown): Promise<StreamableFile> {
    const listing = await this.pages.listing(jour);
    const xlsx = await capitalListingXlsx(printableCapitalListing(listing), listing);
    return new StreamableFile(xlsx, {
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      disposition: `attachment; filename="${fileName(`capital-${listing.day}.xlsx`)}"`,
    });
  }

  @Get('/admin/parts/liste')
  @Render('shares-listing')
  async listingPage(@Query('jour') jour: unknown) {
    const listing = await this.pages.listing(jour);
    const printable = printableCapitalListing(listing);
    return {
      layout: 'layouts/document',
      title: `${printable.title} ${printable.asOf}`,
      listing: printable,
      day: listing.day,
    };
  }

  @Get('/api/parts/liste')
  async listingApi(@Query('jour') jour: unknown) {
    return { ...(await this.pages.listing(jour)), seller: undefined };
  }

  /** A JSON command: the body's fields but `idempotencyKey`, which goes with the command. */
  private api(
    body: unknown,
    make: (input: Record<string, unknown>, key: string | undefined) => object,
  ): Promise<ShareMovementResult> {
    const { idempotencyKey, ...input } = jsonObject(body);
    return this.commands.execute(make(input, parseIdempotencyKey(idempotencyKey)));
  }

  private execute(action: Action, f: Form, actor: string): Promise<ShareMovementResult> {
    const key = parseIdempotencyKey(f.cle);
    const run = (command: object): Promise<ShareMovementResult> => this.commands.execute(command);
    switch (action) {
      case 'souscription':
        return run(
          new SubscribeSharesCommand(
            {
              tiersId: f.tiers,
              count: f.nombre,
              on: f.date,
              reference: f.reference,
              paid: f.liberee !== '',
              method: f.mode,
              bank: f.banque,
            },
            actor,
            key,
          ),
        );
      case 'liberation':
        return run(
          new PayUpSharesCommand(
            {
              tiersId: f.tiers,
              numbers: f.numeros,
              on: f.date,
              reference: f.reference,
              legacyPaymentId: f.paiement,
              method: f.mode,
              bank: f.banque,
            },
            actor,
            key,
          ),
        );
      case 'cession':
        return run(
          new TransferSharesCommand(
            {
              fromTiersId: f.cedant,
              toTiersId: f.cessionnaire,
              numbers: f.numeros,
              on: f.date,
              reference: f.reference,
            },
            actor,
            key,
          ),
        );
      case 'remboursement':
        return run(new RedeemSharesCommand(retirement(f), actor, key));
      case 'annulation':
        return run(new CancelSharesCommand(retirement(f), actor, key));
    }
  }

  private blank(): Form {
    const form = Object.fromEntries(FIELDS.map((f) => [f, ''])) as Form;
    return { ...form, date: this.pages.today(), nombre: '1' };
  }

  /**
   * The admin page. Each form gets its own idempotency key; the form that failed keeps what was
   * typed (and its key, so a corrected retry is still one command) and shows the French error.
   */
  private async adminModel(
    failed: Action | null,
    form: Form,
    error: DomainError | undefined,
    notice: string | null,
    view: { page: number; search: string; tiers?: string; sort?: Sort<HolderColumn> | null } = {
      page: 1,
      search: '',
    },
  ) {
    const summary = await this.pages.summary();
    // One page of holders (those matching the search, if any); totals stay over every holder.
    const needle = foldText(view.search);
    const matching = needle
      ? summary.holders.filter((h) => foldText(`${h.tiersId} ${h.name}`).includes(needle))
      : summary.holders;
    // As listed (the register's order) unless a column is asked for; the tiers breaks ties.
    const sort = view.sort ?? null;
    const holders = sort
      ? sortRows(matching, HOLDER_KEYS[sort.column], sort.order, (h) => Number(h.tiersId))
      : matching;
    const size = this.config.pageSize ?? PAGE_SIZE;
    const kept = { recherche: view.search, ...(sort ? sortParams(sort) : {}) };
    const paging = pager(view.page, holders.length, pageHref('/admin/parts', kept), size);
    const found = needle ? await this.pages.findMembers(view.search, MEMBER_MATCHES + 1) : [];
    const name = view.tiers ? await this.pages.tiersName(view.tiers) : null;
    const chosenLabel = name ? `${name} (n° de tiers ${view.tiers})` : '';
    const blank = name
      ? { ...this.blank(), tiers: view.tiers!, cedant: view.tiers! }
      : this.blank();
    const forms = Object.fromEntries(
      ACTIONS.map((a) => {
        const values = a === failed ? form : blank;
        return [a, { ...values, cle: formKey(a === failed ? form.cle : '') }];
      }),
    );
    const errors = formErrorModel(error, (field) => INPUTS[field] ?? '');
    return {
      title: 'Parts sociales',
      notice,
      ...summary,
      holders: holders.slice(paging.offset, paging.offset + paging.pageSize),
      pager: paging,
      search: view.search,
      found: found.slice(0, MEMBER_MATCHES),
      moreFound: found.length > MEMBER_MATCHES,
      forms,
      failed,
      error: errors.error,
      errorOn: failed ? { [failed]: errors.errorOn } : {},
      withdrawKey: formKey(''),
      chosen: chosenLabel ? { tiers: chosenLabel, cedant: chosenLabel } : {},
      headers: sortHeaders('/admin/parts', { recherche: view.search }, HOLDER_LABELS, sort),
    };
  }
}
