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
import type { DomainError } from '../../domain/shared/errors.js';
import { parseIdempotencyKey } from '../kernel/event-store/idempotency.js';
import { jsonObject, str } from '../panel/form-input.js';
import { requestedSort, sortHeaders, sortRows } from '../panel/sorting.js';
import { formErrorModel, formKey, submitForm } from '../panel/form-page.js';
import {
  CancelDepositSlipCommand,
  IssueDepositSlipCommand,
  type DepositSlipResult,
} from './deposit-slip.commands.js';
import { DepositSlipPages, type PrintableSlip } from './deposit-slip-pages.service.js';
import { confirmThenSubmit, type Confirmation } from '../panel/confirmation.js';
import { formatDayFr } from '../../domain/shared/day.js';
import { formatEuros } from '../../domain/shared/money.js';
import { plural } from '../../domain/shared/plural.js';
import { renderDepositSlipPdf } from './deposit-slip-pdf.js';
import { Staff } from '../auth/access.decorators.js';

const INPUTS: Record<string, string> = {
  paymentIds: 'cheques',
  depositOn: 'date_remise',
  receivedOn: 'jour',
  reason: 'motif',
  on: 'date',
};

/** Checkbox values arrive as one string or an array of them. */
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(str).filter((s) => s !== '');

/** What cancelling a slip will do, asked before it is done. */
function cancelConfirmation(
  slip: PrintableSlip,
  form: { motif: string; cle: string },
): Confirmation {
  const cheques = plural(slip.chequeCount, 'chèque', 'chèques');
  return {
    heading: `Annuler le bordereau n° ${slip.number} ?`,
    facts: [
      `Bordereau n° ${slip.number} du ${formatDayFr(slip.depositOn)} : ${cheques}, ${formatEuros(slip.total)}.`,
      `${slip.chequeCount < 2 ? 'Ce chèque redevient' : `Ces ${cheques} redeviennent`} à remettre : à porter sur un nouveau bordereau.`,
      `Le bordereau reste dans la liste, marqué « annulé » ; son numéro n’est pas réutilisé.`,
      `Motif : « ${form.motif.trim()} ».`,
    ],
    warning: 'L’annulation est définitive : un bordereau annulé ne peut pas être rétabli.',
    action: `/tresorerie/remises/${slip.number}/annulation`,
    fields: form,
    confirmLabel: `Annuler le bordereau n° ${slip.number}`,
    cancelHref: `/tresorerie/remises/${slip.number}`,
  };
}

/** The sortable columns of the cheques to deposit (?tri=): headers, and the key of each. */
const CHEQUE_LABELS = {
  tireur: 'Tireur',
  banque: 'Banque',
  numero: 'N° de chèque',
  montant: 'Montant',
} as const;
const CHEQUE_COLUMNS = Object.keys(CHEQUE_LABELS) as (keyof typeof CHEQUE_LABELS)[];
interface ChequeRow {
  customerName: string;
  bank: string;
  reference: string;
  amount: string;
}
const CHEQUE_KEYS: Record<keyof typeof CHEQUE_LABELS, (c: ChequeRow) => string | number> = {
  tireur: (c) => c.customerName,
  banque: (c) => c.bank,
  numero: (c) => c.reference,
  // Cents as a whole number: amounts compare by value.
  montant: (c) => Number(c.amount.replace('.', '')),
};

/** /tresorerie/remises: cheques to deposit, numbered slips (page, print, PDF) and their JSON. */
@Staff()
@Controller()
export class DepositSlipsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(DepositSlipPages) private readonly pages: DepositSlipPages,
  ) {}

  @Get('/tresorerie/remises')
  @Render('deposit-slips')
  async page(@Query() query: Record<string, unknown>) {
    return this.listModel(undefined, {}, str(query.fait) || undefined, query);
  }

  @Post('/tresorerie/remises')
  async create(@Body() body: Record<string, unknown>, @Res() res: Response) {
    const form = {
      cheques: list(body?.cheques),
      date_remise: str(body?.date_remise),
      jour: str(body?.jour),
      cle: str(body?.cle),
    };
    await submitForm(
      res,
      'deposit-slips',
      async () => {
        const r = await this.commands.execute<IssueDepositSlipCommand, DepositSlipResult>(
          new IssueDepositSlipCommand(
            {
              // A day's button deposits that day's cheques; otherwise the ticked ones.
              paymentIds: form.jour ? [] : form.cheques,
              receivedOn: form.jour || undefined,
              depositOn: form.date_remise || undefined,
            },
            'treasurer',
            parseIdempotencyKey(form.cle),
          ),
        );
        return `/tresorerie/remises/${r.number}`;
      },
      (error) => this.listModel(error, form),
    );
  }

  @Get('/tresorerie/remises/:number/pdf')
  async pdf(@Param('number') number: string): Promise<StreamableFile> {
    const slip = await this.pages.slip(number);
    return new StreamableFile(await renderDepositSlipPdf(slip), {
      type: 'application/pdf',
      disposition: `inline; filename="bordereau-${slip.number}.pdf"`,
    });
  }

  @Get('/tresorerie/remises/:number')
  @Render('deposit-slip')
  async slipPage(@Param('number') number: string) {
    return this.slipModel(number);
  }

  @Post('/tresorerie/remises/:number/annulation')
  async cancel(
    @Param('number') number: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const form = { motif: str(body?.motif), cle: str(body?.cle) };
    await confirmThenSubmit(
      res,
      body,
      'deposit-slip',
      async () => cancelConfirmation(await this.pages.cancellation(number, form.motif), form),
      async () => {
        const r = await this.commands.execute<CancelDepositSlipCommand, DepositSlipResult>(
          new CancelDepositSlipCommand(
            { number, reason: form.motif },
            'treasurer',
            parseIdempotencyKey(form.cle),
          ),
        );
        return `/tresorerie/remises/${r.number}`;
      },
      async (error) => ({
        ...(await this.slipModel(number)),
        ...formErrorModel(error, (f) => INPUTS[f] ?? ''),
        form,
      }),
    );
  }

  @Get('/api/tresorerie/remises')
  overview() {
    return this.pages.overview();
  }

  @Get('/api/tresorerie/remises/:number')
  slip(@Param('number') number: string) {
    return this.pages.slip(number);
  }

  @Post('/api/tresorerie/remises')
  @HttpCode(201)
  createApi(@Body() body: unknown) {
    const b = jsonObject(body);
    return this.commands.execute(
      new IssueDepositSlipCommand(
        {
          paymentIds: b.paymentIds as string[],
          receivedOn: b.receivedOn as string | undefined,
          depositOn: b.depositOn as string | undefined,
        },
        'api',
        parseIdempotencyKey(b.idempotencyKey),
      ),
    );
  }

  @Post('/api/tresorerie/remises/:number/annulation')
  @HttpCode(201)
  cancelApi(@Param('number') number: string, @Body() body: unknown) {
    const b = jsonObject(body);
    return this.commands.execute(
      new CancelDepositSlipCommand(
        { number, reason: str(b.reason), on: b.on as string | undefined },
        'api',
        parseIdempotencyKey(b.idempotencyKey),
      ),
    );
  }

  private async listModel(
    error: DomainError | undefined,
    form: { cheques?: string[]; date_remise?: string; cle?: string },
    done?: string,
    query: Record<string, unknown> = {},
  ) {
    const data = await this.pages.overview();
    const ticked = new Set(form.cheques ?? []);
    // Each day's cheques as entered, unless a column is asked for (ties: as entered).
    const sort = requestedSort(query, CHEQUE_COLUMNS, null);
    const ordered = <T extends (typeof data.pending)[number]['cheques'][number]>(cheques: T[]) => {
      if (!sort) return cheques;
      const entered = new Map(cheques.map((c, i) => [c, i]));
      return sortRows(cheques, CHEQUE_KEYS[sort.column], sort.order, (c) => entered.get(c) ?? 0);
    };
    return {
      title: 'Remises de chèques',
      ...data,
      pending: data.pending.map((d) => ({
        ...d,
        cheques: ordered(d.cheques).map((c) => ({ ...c, ticked: ticked.has(c.paymentId) })),
      })),
      headers: sortHeaders('/tresorerie/remises', {}, CHEQUE_LABELS, sort),
      form: { date_remise: form.date_remise || this.pages.today(), cle: formKey(form.cle) },
      notice: done ? `Bordereau n° ${done} enregistré.` : null,
      ...formErrorModel(error, (f) => INPUTS[f] ?? ''),
    };
  }

  private async slipModel(number: string) {
    const slip = await this.pages.slip(number);
    return {
      layout: 'layouts/document',
      title: slip.title,
      slip,
      form: { motif: '', cle: formKey(undefined) },
      error: null,
    };
  }
}
