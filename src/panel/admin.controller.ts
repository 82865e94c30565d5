import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Post, Query, Render, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { IssueInvoice } from '../../domain/billing/invoice.js';
import type { RecordPayment } from '../../domain/billing/payment.js';
import { DomainError } from '../../domain/shared/errors.js';
import { Money } from '../../domain/shared/money.js';
import { BillingQueries } from '../billing/billing-queries.js';
import { IssueInvoiceCommand, type IssueInvoiceResult } from '../billing/issue-invoice.command.js';
import {
  RecordPaymentCommand,
  type RecordPaymentResult,
} from '../billing/record-payment.command.js';
import { Clock } from '../kernel/clock.js';
import { parseIdempotencyKey } from '../kernel/event-store/idempotency.js';
import { statusOf } from '../kernel/errors.js';
import { jsonCommand, str, typedAmount } from './form-input.js';
import { memberPageUrl } from './member-notice.js';
import { AdminOnly, Staff } from '../auth/access.decorators.js';

interface ChequeForm {
  /** The member who paid (customer id), chosen first. */
  adherent?: string;
  /** The text searched for that member, before one is chosen. */
  recherche?: string;
  facture?: string;
  montant?: string;
  date_reception?: string;
  numero_cheque?: string;
  banque?: string;
  /** Checked: what exceeds the invoice's balance is kept as the member's credit. */
  surplus?: string;
  cle?: string;
}

/** Members listed at most by the cheque form's plain search (a longer list asks for more letters). */
const MEMBER_CHOICES = 20;

/** Admin and treasurer actions. (Sign-in and roles come with the accounts issue.) */
@Controller()
export class AdminController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(BillingQueries) private readonly queries: BillingQueries,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * The cheque form: first the member who paid (search as you type, or a plain search that
   * answers a choice list), then that member's unpaid invoices. `?facture=` comes from an
   * invoice's own link, its member already known.
   */
  @Staff()
  @Get('/admin/cheques/nouveau')
  @Render('cheque-form')
  async chequeForm(@Query() query: Record<string, unknown>) {
    return this.chequeFormModel({
      facture: str(query.facture),
      adherent: str(query.adherent),
      recherche: str(query.recherche).trim().slice(0, 100),
      date_reception: this.clock.today(),
    });
  }

  @Staff()
  @Post('/admin/cheques')
  async recordCheque(@Body() body: ChequeForm, @Res() res: Response) {
    const form: ChequeForm = {
      adherent: str(body?.adherent),
      facture: str(body?.facture),
      montant: str(body?.montant),
      date_reception: str(body?.date_reception),
      numero_cheque: str(body?.numero_cheque),
      banque: str(body?.banque),
      surplus: str(body?.surplus),
      cle: str(body?.cle),
    };
    try {
      if (!form.facture)
        throw new DomainError('invalid_input', 'Choisissez la facture réglée.', 'facture');
      const invoice = await this.queries.invoice(form.facture);
      const amount = typedAmount(form.montant ?? '');
      const overpayment = form.surplus !== '';
      const result = await this.commands.execute<RecordPaymentCommand, RecordPaymentResult>(
        new RecordPaymentCommand(
          {
            customerId: invoice.customerId,
            method: 'cheque',
            amount,
            receivedOn: form.date_reception ?? '',
            reference: form.numero_cheque ?? '',
            bank: form.banque,
            allocations: [
              { invoiceId: form.facture, amount: allocated(amount, invoice.balance, overpayment) },
            ],
            overpayment,
          },
          'admin',
          parseIdempotencyKey(form.cle),
        ),
      );
      res.redirect(
        303,
        memberPageUrl(invoice.customerId, {
          kind: 'cheque',
          numbers: result.invoices.map((i) => i.number).join(', '),
          credit: result.credited,
        }),
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      res.status(statusOf(error)).render('cheque-form', await this.chequeFormModel(form, error));
    }
  }

  private async chequeFormModel(form: ChequeForm, error?: DomainError) {
    const common = {
      title: 'Saisir un chèque',
      error: error ? { message: error.message, field: error.field } : null,
      errorOn: error?.field ? { [fieldName(error.field)]: true } : {},
    };
    let customerId = /^\d{1,10}$/.test(form.adherent ?? '') ? form.adherent! : '';
    if (form.facture && !customerId) {
      customerId = await this.queries.invoice(form.facture).then(
        (i) => i.customerId,
        () => '', // an unknown invoice: the member is chosen instead
      );
    }
    if (!customerId) {
      const search = form.recherche ?? '';
      const found = search ? await this.queries.suggestMembers(search, MEMBER_CHOICES) : [];
      // The cheque is recorded against an account: a person without one cannot be chosen.
      return { ...common, search, found: found.filter((m) => m.customerId !== '') };
    }
    const { customer, invoices } = await this.queries.unpaidOf(customerId);
    const chosen = invoices.length === 1 ? invoices[0]!.invoiceId : form.facture;
    return {
      ...common,
      member: customer,
      single: invoices.length === 1,
      invoices: invoices.map((i) => ({ ...i, selected: i.invoiceId === chosen })),
      form: { ...form, cle: form.cle || randomUUID() },
    };
  }

  @Staff()
  @Post('/api/paiements/cheques')
  @HttpCode(201)
  recordChequeApi(@Body() body: unknown) {
    const { input, key } = jsonCommand(body);
    return this.commands.execute<RecordPaymentCommand, RecordPaymentResult>(
      new RecordPaymentCommand(
        { ...input, method: 'cheque' } as unknown as RecordPayment,
        'api',
        key,
      ),
    );
  }

  @AdminOnly()
  @Post('/api/factures')
  @HttpCode(201)
  issueInvoiceApi(@Body() body: unknown) {
    const { input, key } = jsonCommand(body);
    return this.commands.execute<IssueInvoiceCommand, IssueInvoiceResult>(
      new IssueInvoiceCommand(input as unknown as IssueInvoice, 'api', key),
    );
  }
}

/** With the surplus box checked, the cheque pays the invoice's balance and the rest goes to credit. */
function allocated(amount: string, balance: string, overpayment: boolean): string {
  if (!overpayment) return amount;
  try {
    return Money.of(amount).compare(Money.of(balance)) > 0 ? balance : amount;
  } catch {
    return amount; // the command reports the unreadable amount
  }
}

/** Maps a domain field ('amount', 'allocations[0].amount') to the form's input name. */
function fieldName(field: string): string {
  if (/amount$/.test(field)) return 'montant';
  if (field === 'receivedOn') return 'date_reception';
  if (field === 'reference') return 'numero_cheque';
  if (field === 'bank') return 'banque';
  if (/invoiceId|allocations|facture/.test(field)) return 'facture';
  return field;
}
