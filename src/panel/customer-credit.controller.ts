import { Body, Controller, Get, HttpCode, Inject, Param, Post, Render, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { RefundCredit } from '../../domain/billing/customer-account.js';
import type { PaymentMethod } from '../../domain/billing/events.js';
import { Money } from '../../domain/shared/money.js';
import type { DomainError } from '../../domain/shared/errors.js';
import { BillingFormQueries, type MemberAccountDraft } from '../billing/billing-forms.queries.js';
import {
  ApplyCreditCommand,
  RefundCreditCommand,
  type ApplyCreditResult,
  type RefundCreditResult,
} from '../billing/customer-credit.commands.js';
import { Clock } from '../kernel/clock.js';
import { parseIdempotencyKey } from '../kernel/event-store/idempotency.js';
import { jsonObject, str, typedAmount } from './form-input.js';
import { formErrorModel, formKey, submitForm } from './form-page.js';
import { memberPageUrl } from './member-notice.js';
import { methodOptions } from './payments.controller.js';
import { Staff } from '../auth/access.decorators.js';

interface CreditForm {
  /** Apply: the invoice to pay ('' = oldest first). */
  facture: string;
  /** Refund: amount, mode and reference of the money sent back. */
  montant: string;
  mode: string;
  reference: string;
  date: string;
  cle: string;
}

const INPUTS: Record<string, string> = {
  invoiceId: 'facture',
  amount: 'montant',
  method: 'mode',
  reference: 'reference',
  on: 'date',
};

type CreditAction = 'utilisation' | 'remboursement';

/** A member's credit: used on unpaid invoices, or paid back. */
@Staff()
@Controller()
export class CustomerCreditController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(BillingFormQueries) private readonly queries: BillingFormQueries,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get('/admin/adherents/:customerId/credit/utilisation')
  @Render('credit-form')
  async applyForm(@Param('customerId') customerId: string) {
    return this.blankForm(customerId, 'utilisation');
  }

  @Get('/admin/adherents/:customerId/credit/remboursement')
  @Render('credit-form')
  async refundForm(@Param('customerId') customerId: string) {
    return this.blankForm(customerId, 'remboursement');
  }

  @Post('/admin/adherents/:customerId/credit/utilisation')
  async apply(
    @Param('customerId') customerId: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    await this.submit(customerId, 'utilisation', body, res, async (form) => {
      const result = await this.commands.execute<ApplyCreditCommand, ApplyCreditResult>(
        new ApplyCreditCommand(
          { customerId, invoiceId: form.facture || undefined, on: form.date },
          'admin',
          parseIdempotencyKey(form.cle),
        ),
      );
      const used = Money.sum(result.applied.map((a) => Money.of(a.amount)));
      return memberPageUrl(customerId, { kind: 'credit-utilise', amount: used.toString() });
    });
  }

  @Post('/admin/adherents/:customerId/credit/remboursement')
  async refund(
    @Param('customerId') customerId: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    await this.submit(customerId, 'remboursement', body, res, async (form) => {
      const result = await this.commands.execute<RefundCreditCommand, RefundCreditResult>(
        new RefundCreditCommand(
          {
            customerId,
            amount: typedAmount(form.montant),
            on: form.date,
            method: form.mode as PaymentMethod,
            reference: form.reference,
          },
          'admin',
          parseIdempotencyKey(form.cle),
        ),
      );
      return memberPageUrl(customerId, { kind: 'credit-rembourse', amount: result.amount });
    });
  }

  @Post('/api/adherents/:customerId/credit/utilisation')
  @HttpCode(201)
  async applyApi(@Param('customerId') customerId: string, @Body() body: unknown) {
    const { idempotencyKey, invoiceId, on } = jsonObject(body);
    const key = parseIdempotencyKey(idempotencyKey);
    await this.queries.customer(customerId);
    return this.commands.execute<ApplyCreditCommand, ApplyCreditResult>(
      new ApplyCreditCommand(
        { customerId, invoiceId: invoiceId as string | undefined, on: on as string | undefined },
        'api',
        key,
      ),
    );
  }

  @Post('/api/adherents/:customerId/credit/remboursement')
  @HttpCode(201)
  async refundApi(@Param('customerId') customerId: string, @Body() body: unknown) {
    const { idempotencyKey, ...input } = jsonObject(body);
    const key = parseIdempotencyKey(idempotencyKey);
    await this.queries.customer(customerId);
    return this.commands.execute<RefundCreditCommand, RefundCreditResult>(
      new RefundCreditCommand({ ...(input as unknown as RefundCredit), customerId }, 'api', key),
    );
  }

  private async blankForm(customerId: string, action: CreditAction) {
    const draft = await this.queries.memberAccount(customerId);
    const credit = Money.of(draft.credit);
    return this.model(draft, action, {
      facture: '',
      montant: credit.isPositive() ? credit.toString().replace('.', ',') : '',
      mode: 'transfer',
      reference: '',
      date: this.clock.today(),
      cle: '',
    });
  }

  private async submit(
    customerId: string,
    action: CreditAction,
    body: Record<string, unknown>,
    res: Response,
    run: (form: CreditForm) => Promise<string>,
  ) {
    const draft = await this.queries.memberAccount(customerId);
    const form: CreditForm = {
      facture: str(body?.facture),
      montant: str(body?.montant),
      mode: str(body?.mode),
      reference: str(body?.reference),
      date: str(body?.date),
      cle: str(body?.cle),
    };
    await submitForm(
      res,
      'credit-form',
      () => run(form),
      async (error) => this.model(draft, action, form, error),
    );
  }

  private model(
    draft: MemberAccountDraft,
    action: CreditAction,
    form: CreditForm,
    error?: DomainError,
  ) {
    const apply = action === 'utilisation';
    return {
      title: `${apply ? 'Utiliser' : 'Rembourser'} le crédit — ${draft.customer.name}`,
      apply,
      action: `/admin/adherents/${draft.customer.customerId}/credit/${action}`,
      customer: draft.customer,
      credit: draft.credit,
      invoices: draft.unpaid.map((i) => ({ ...i, selected: i.invoiceId === form.facture })),
      methods: methodOptions(form.mode),
      form: { ...form, cle: formKey(form.cle) },
      ...formErrorModel(error, (field) => INPUTS[field] ?? ''),
    };
  }
}
