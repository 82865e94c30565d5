import { Inject, Injectable } from '@nestjs/common';
import { remainingNet } from '../../domain/billing/credit-note.js';
import { DomainError } from '../../domain/shared/errors.js';
import { Money } from '../../domain/shared/money.js';
import { findCustomer, type LegacyCustomer } from '../../legacy-sync/legacy-gateway.js';
import {
  customerCredit,
  findInvoice,
  findPayment,
  unpaidInvoices,
  type InvoiceView,
  type PaymentView,
} from '../../projections/invoice-balances/invoice-balances.queries.js';
import { Db, type Queryable } from '../kernel/database/db.js';
import { loadInvoice } from './billing-streams.js';

/** An invoice line as the credit note form shows it: what was billed and what is left to credit. */
export interface CreditableLine {
  lineId: string;
  label: string;
  net: string;
  /** Net (HT) not yet credited. */
  remaining: string;
  vatRate: string;
  serviceStart: string;
  serviceEnd: string;
}

export interface CreditNoteDraft {
  customer: LegacyCustomer;
  invoice: InvoiceView;
  lines: CreditableLine[];
}

export interface MemberAccountDraft {
  customer: LegacyCustomer;
  /** Unpaid invoices, oldest first. */
  unpaid: InvoiceView[];
  credit: string;
}

export interface PaymentDraft {
  customer: LegacyCustomer;
  payment: PaymentView;
  /** What a refund may still take back. */
  refundable: string;
}

async function requireCustomer(q: Queryable, customerId: string): Promise<LegacyCustomer> {
  const customer = await findCustomer(q, customerId);
  if (!customer) {
    throw new DomainError('not_found', `Client ${customerId} introuvable.`, 'customerId');
  }
  return customer;
}

/** The data behind the treasurer's forms (credit notes, payments, reversals, credit). */
@Injectable()
export class BillingFormQueries {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** The member an API request names (a string id, as everywhere in the API). */
  async customer(customerId: unknown): Promise<LegacyCustomer> {
    if (typeof customerId !== 'string' || customerId.trim() === '') {
      throw new DomainError(
        'invalid_input',
        'Indiquez l’adhérent : customerId (chaîne, ex. "3").',
        'customerId',
      );
    }
    return this.db.run((q) => requireCustomer(q, customerId));
  }

  async creditNoteDraft(invoiceId: string): Promise<CreditNoteDraft> {
    return this.db.run(async (q) => {
      const invoice = await findInvoice(q, invoiceId);
      if (!invoice || invoice.kind !== 'invoice') {
        throw new DomainError('not_found', 'Facture introuvable.', 'invoiceId');
      }
      // Credited amounts per line live in the invoice's stream, not in the read model.
      const { state } = await loadInvoice(q, invoiceId);
      const lines = state.lines.map((l) => ({
        lineId: l.lineId,
        label: l.label,
        net: Money.of(l.net).toString(),
        remaining: remainingNet(state, l).toString(),
        vatRate: l.vatRate,
        serviceStart: l.serviceStart,
        serviceEnd: l.serviceEnd,
      }));
      return { customer: await requireCustomer(q, invoice.customerId), invoice, lines };
    });
  }

  async memberAccount(customerId: string): Promise<MemberAccountDraft> {
    return this.db.run(async (q) => ({
      customer: await requireCustomer(q, customerId),
      unpaid: await unpaidInvoices(q, customerId),
      credit: await customerCredit(q, customerId),
    }));
  }

  async payment(paymentId: string): Promise<PaymentDraft> {
    return this.db.run(async (q) => {
      const payment = await findPayment(q, paymentId);
      if (!payment) throw new DomainError('not_found', 'Paiement introuvable.', 'paymentId');
      const refundable = Money.of(payment.amount).minus(Money.of(payment.reversed));
      return {
        customer: await requireCustomer(q, payment.customerId),
        payment,
        refundable: refundable.toString(),
      };
    });
  }
}
