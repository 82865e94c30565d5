import { Body, Controller, Get, HttpCode, Param, Post, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { PaymentMethod } from '../../domain/billing/events.js';
import type { RecordPayment, ReversePayment } from '../../domain/billing/payment.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { MemberAccountDraft, PaymentDraft } from '../billing/billing-forms.queries.js';
import {
  RecordPaymentCommand,
  type RecordPaymentResult,
} from '../billing/record-payment.command.js';
import {
  ReversePaymentCommand,
  type ReversePaymentResult,
} from '../billing/reverse-payment.command.js';
import { jsonCommand, str, typedAmount } from './form-input.js';
import { BillingFormsController } from './billing-forms.controller.js';
import { formErrorModel, formKey, submitForMember } from './form-page.js';
import { Staff } from '../auth/access.decorators.js';

/** The payment modes, as the forms offer them. */
export const PAYMENT_METHODS: readonly { value: PaymentMethod; label: string }[] = [
  { value: 'cheque', label: 'Chèque' },
  { value: 'transfer', label: 'Virement' },
  { value: 'cash', label: 'Espèces' },
  { value: 'card', label: 'Carte' },
  { value: 'other', label: 'Autre' },
];

export const methodOptions = (selected: string) =>
  PAYMENT_METHODS.map((m) => ({ ...m, selected: m.value === selected }));

interface PaymentForm {
  adherent: string;
  mode: string;
  montant: string;
  date_reception: string;
  reference: string;
  banque: string;
  /** Checked: no allocation typed, the oldest unpaid invoices first. */
  auto: string;
  /** Checked: what exceeds the allocations is kept as the member's credit. */
  surplus: string;
  /** Amount typed per invoice id, in the form's order. */
  allocations: { invoiceId: string; typed: string }[];
  cle: string;
}

interface ReversalForm {
  montant: string;
  date: string;
  reference: string;
  motif: string;
  cle: string;
}

const ALLOCATION = /^affecte_(.+)$/;

/** The payment form's input for each field of RecordPayment. */
const PAYMENT_INPUTS: Record<string, string> = {
  amount: 'montant',
  receivedOn: 'date_reception',
  reference: 'reference',
  bank: 'banque',
  method: 'mode',
  allocations: 'repartition',
};

/** Payments of any mode over several invoices, bounced cheques and refunds. */
@Staff()
@Controller()
export class PaymentsController extends BillingFormsController {
  @Get('/admin/paiements/nouveau')
  @Render('payment-form')
  async form(@Query('adherent') customerId?: string) {
    const draft = await this.queries.memberAccount(str(customerId));
    return this.paymentModel(draft, {
      adherent: draft.customer.customerId,
      mode: 'transfer',
      montant: '',
      date_reception: this.clock.today(),
      reference: '',
      banque: '',
      auto: '',
      surplus: '',
      allocations: [],
      cle: '',
    });
  }

  @Post('/admin/paiements')
  async record(@Body() body: Record<string, unknown>, @Res() res: Response) {
    const draft = await this.queries.memberAccount(str(body?.adherent));
    const form: PaymentForm = {
      adherent: draft.customer.customerId,
      mode: str(body?.mode),
      montant: str(body?.montant),
      date_reception: str(body?.date_reception),
      reference: str(body?.reference),
      banque: str(body?.banque),
      auto: str(body?.auto),
      surplus: str(body?.surplus),
      // Every invoice field the form sent, in its order, even one paid meanwhile (the command says so).
      allocations: Object.keys(body ?? {}).flatMap((name) => {
        const id = ALLOCATION.exec(name)?.[1];
        return id ? [{ invoiceId: id, typed: str(body[name]) }] : [];
      }),
      cle: str(body?.cle),
    };
    const typed = form.allocations.filter((a) => a.typed.trim() !== '');
    await submitForMember(res, 'payment-form', {
      customerId: form.adherent,
      cle: form.cle,
      run: (key) => {
        const input: RecordPayment = {
          customerId: form.adherent,
          method: form.mode as PaymentMethod,
          amount: typedAmount(form.montant),
          receivedOn: form.date_reception,
          reference: form.reference,
          bank: form.banque,
          allocations:
            form.auto !== ''
              ? undefined
              : typed.map((a) => ({
                  invoiceId: a.invoiceId,
                  amount: typedAmount(a.typed, `affecte_${a.invoiceId}`),
                })),
          overpayment: form.surplus !== '',
        };
        return this.commands.execute<RecordPaymentCommand, RecordPaymentResult>(
          new RecordPaymentCommand(input, 'admin', key),
        );
      },
      notice: (result) => ({
        kind: 'paiement',
        numbers: result.invoices.map((i) => i.number).join(', '),
        amount: result.amount,
        credit: result.credited,
      }),
      rerender: async (error) =>
        this.paymentModel(
          draft,
          form,
          error,
          form.auto !== '' ? [] : typed.map((a) => a.invoiceId),
        ),
    });
  }

  @Post('/api/paiements')
  @HttpCode(201)
  async recordApi(@Body() body: unknown) {
    const { input, key } = jsonCommand(body);
    // What is not allocated becomes credit: it must belong to a member who exists.
    await this.queries.customer(input.customerId);
    return this.commands.execute<RecordPaymentCommand, RecordPaymentResult>(
      new RecordPaymentCommand(input as unknown as RecordPayment, 'api', key),
    );
  }

  @Get('/admin/paiements/:paymentId/impaye')
  @Render('payment-reversal-form')
  async bounceForm(@Param('paymentId') paymentId: string) {
    const draft = await this.queries.payment(paymentId);
    return this.reversalModel(draft, 'bounced', this.emptyReversal(''));
  }

  @Get('/admin/paiements/:paymentId/remboursement')
  @Render('payment-reversal-form')
  async refundForm(@Param('paymentId') paymentId: string) {
    const draft = await this.queries.payment(paymentId);
    return this.reversalModel(draft, 'refund', this.emptyReversal(draft.refundable));
  }

  @Post('/admin/paiements/:paymentId/impaye')
  bounce(
    @Param('paymentId') paymentId: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    return this.reverse(paymentId, 'bounced', body, res);
  }

  @Post('/admin/paiements/:paymentId/remboursement')
  refund(
    @Param('paymentId') paymentId: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    return this.reverse(paymentId, 'refund', body, res);
  }

  @Post('/api/paiements/:paymentId/impaye')
  @HttpCode(201)
  bounceApi(@Param('paymentId') paymentId: string, @Body() body: unknown) {
    return this.reverseApi(paymentId, 'bounced', body);
  }

  @Post('/api/paiements/:paymentId/remboursement')
  @HttpCode(201)
  refundApi(@Param('paymentId') paymentId: string, @Body() body: unknown) {
    return this.reverseApi(paymentId, 'refund', body);
  }

  private reverseApi(paymentId: string, kind: ReversePayment['kind'], body: unknown) {
    const { input, key } = jsonCommand(body);
    return this.commands.execute<ReversePaymentCommand, ReversePaymentResult>(
      new ReversePaymentCommand(
        { ...(input as unknown as ReversePayment), paymentId, kind },
        'api',
        key,
      ),
    );
  }

  private async reverse(
    paymentId: string,
    kind: ReversePayment['kind'],
    body: Record<string, unknown>,
    res: Response,
  ) {
    const draft = await this.queries.payment(paymentId);
    const form: ReversalForm = {
      montant: str(body?.montant),
      date: str(body?.date),
      reference: str(body?.reference),
      motif: str(body?.motif),
      cle: str(body?.cle),
    };
    await submitForMember(res, 'payment-reversal-form', {
      customerId: draft.customer.customerId,
      cle: form.cle,
      run: (key) => {
        const input: ReversePayment = {
          paymentId: draft.payment.paymentId,
          kind,
          amount: kind === 'refund' ? typedAmount(form.montant) : undefined,
          on: form.date,
          reference: form.reference,
          reason: form.motif,
        };
        return this.commands.execute<ReversePaymentCommand, ReversePaymentResult>(
          new ReversePaymentCommand(input, 'admin', key),
        );
      },
      notice: (result) => ({
        kind: kind === 'bounced' ? 'impaye' : 'remboursement',
        amount: result.amount,
      }),
      rerender: async (error) => this.reversalModel(draft, kind, form, error),
    });
  }

  private emptyReversal(amount: string): ReversalForm {
    return {
      montant: amount.replace('.', ','),
      date: this.clock.today(),
      reference: '',
      motif: '',
      cle: '',
    };
  }

  private paymentModel(
    draft: MemberAccountDraft,
    form: PaymentForm,
    error?: DomainError,
    allocated: string[] = [],
  ) {
    const inputOf = (field: string): string => {
      if (field.startsWith('affecte_')) return field;
      const at = /^allocations\[(\d+)\]/.exec(field);
      if (at) return allocated[Number(at[1])] ? `affecte_${allocated[Number(at[1])]}` : 'montant';
      return PAYMENT_INPUTS[field] ?? '';
    };
    const errors = formErrorModel(error, inputOf);
    const typed = new Map(form.allocations.map((a) => [a.invoiceId, a.typed]));
    return {
      title: `Enregistrer un paiement — ${draft.customer.name}`,
      customer: draft.customer,
      credit: draft.credit,
      methods: methodOptions(form.mode),
      invoices: draft.unpaid.map((i) => ({
        ...i,
        value: typed.get(i.invoiceId) ?? '',
        invalid: errors.errorOn[`affecte_${i.invoiceId}`] === true,
      })),
      form: { ...form, cle: formKey(form.cle) },
      ...errors,
    };
  }

  private reversalModel(
    draft: PaymentDraft,
    kind: ReversePayment['kind'],
    form: ReversalForm,
    error?: DomainError,
  ) {
    const inputs: Record<string, string> = {
      amount: 'montant',
      on: 'date',
      reference: 'reference',
      reason: 'motif',
    };
    const bounce = kind === 'bounced';
    return {
      title: bounce ? 'Chèque impayé' : 'Rembourser un paiement',
      bounce,
      action: `/admin/paiements/${draft.payment.paymentId}/${bounce ? 'impaye' : 'remboursement'}`,
      customer: draft.customer,
      payment: draft.payment,
      refundable: draft.refundable,
      form: { ...form, cle: formKey(form.cle) },
      ...formErrorModel(error, (field) => inputs[field] ?? ''),
    };
  }
}
