import { Inject, Injectable } from '@nestjs/common';
import {
  customerBalance,
  customerCredit,
  findInvoice,
  invoicesOfCustomer,
  overdueInvoices,
  overdueSummary,
  paymentsOfCustomer,
  unpaidInvoices,
  type InvoiceView,
  type PaymentView,
} from '../../projections/invoice-balances/invoice-balances.queries.js';
import {
  allocationOfFiscalYear,
  fiscalYearsWithPayments,
  type FiscalYearAllocation,
  type RowSlice,
} from '../../projections/payment-allocation/payment-allocation.queries.js';
import {
  findCustomer,
  findCustomers,
  listCustomers,
  type LegacyCustomer,
} from '../../legacy-sync/legacy-gateway.js';
import {
  fiscalYearBounds,
  fiscalYearChoices,
  fiscalYearOf,
} from '../../domain/shared/fiscal-year.js';
import { DomainError } from '../../domain/shared/errors.js';
import { suggestMembers, type MemberSuggestion } from '../../legacy-sync/legacy-members.js';
import { Clock } from '../kernel/clock.js';
import { APP_CONFIG, type AppConfig } from '../kernel/config.js';
import { Db, type Queryable } from '../kernel/database/db.js';
import { lastPosition } from '../kernel/event-store/event-store.js';
import { allocationDetailRows } from '../../reports/treasury-reports.js';
import {
  allocationDetailPage,
  type AllocationDetailRow,
} from '../../projections/treasury/treasury.queries.js';

export interface CustomerPage {
  customer: LegacyCustomer;
  /** Invoices and credit notes, newest first; a credit note names the invoice it cites. */
  invoices: (InvoiceView & { originNumber: string | null })[];
  balance: string;
  due: string;
  /** Money held for the customer (negative: owed outside any invoice, after a bounced cheque). */
  credit: string;
  payments: PaymentView[];
}

export interface AllocationPage extends FiscalYearAllocation {
  fiscalYearStart: string;
  firstDay: string;
  lastDay: string;
  years: number[];
}

/** The data behind each page, shared by the HTML and the JSON routes. */
@Injectable()
export class BillingQueries {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The last position of the event log (the home page compares the Gloux mirror with it). */
  logPosition(): Promise<number> {
    return this.db.run((q) => lastPosition(q));
  }

  /** One product's allocation rows of a fiscal year: all of them, or one page. */
  async allocationDetail(fy: number, product: string | null): Promise<AllocationDetailRow[]> {
    const rows: AllocationDetailRow[] = [];
    for await (const r of allocationDetailRows(this.db, fy, product)) rows.push(r);
    return rows;
  }

  allocationDetailPage(fy: number, product: string | null, offset: number, limit: number) {
    return this.db.run((q) => allocationDetailPage(q, fy, product, offset, limit));
  }

  async customers(): Promise<LegacyCustomer[]> {
    return this.db.run((q) => listCustomers(q));
  }

  async customerPage(customerId: string): Promise<CustomerPage> {
    return this.db.run(async (q) => {
      const customer = await findCustomer(q, customerId);
      if (!customer)
        throw new DomainError('not_found', `Client ${customerId} introuvable.`, 'customerId');
      const documents = await invoicesOfCustomer(q, customerId);
      const numbers = new Map(documents.map((d) => [d.invoiceId, d.number]));
      const invoices = documents.map((d) => ({
        ...d,
        originNumber: d.originInvoiceId ? (numbers.get(d.originInvoiceId) ?? null) : null,
      }));
      const balance = await customerBalance(q, customerId);
      const due = balance.startsWith('-') ? balance.slice(1) : '0.00';
      const credit = await customerCredit(q, customerId);
      const payments = await paymentsOfCustomer(q, customerId);
      return { customer, invoices, balance, due, credit, payments };
    });
  }

  async invoice(invoiceId: string): Promise<InvoiceView> {
    const invoice = await this.db.run((q) => findInvoice(q, invoiceId));
    if (!invoice) throw new DomainError('not_found', 'Facture introuvable.', 'invoiceId');
    return invoice;
  }

  async unpaid(): Promise<(InvoiceView & { customerName: string })[]> {
    return this.db.run(async (q) => {
      const invoices = await unpaidInvoices(q);
      const names = await namesOf(
        q,
        invoices.map((i) => i.customerId),
      );
      return invoices.map((i) => ({
        ...i,
        customerName: names.get(i.customerId) ?? '(client inconnu de Gloux)',
      }));
    });
  }

  /** One member's unpaid invoices, oldest first (the cheque form, once the member is chosen). */
  async unpaidOf(
    customerId: string,
  ): Promise<{ customer: LegacyCustomer; invoices: InvoiceView[] }> {
    return this.db.run(async (q) => {
      const customer = await findCustomer(q, customerId);
      if (!customer) throw new DomainError('not_found', 'Adhérent introuvable.', 'adherent');
      return { customer, invoices: await unpaidInvoices(q, customerId) };
    });
  }

  /** The staff's member search (indexed prefixes, `limit` at most): the cheque form's first step. */
  suggestMembers(search: string, limit?: number): Promise<MemberSuggestion[]> {
    return this.db.run((q) => suggestMembers(q, search, limit));
  }

  /** Invoices past their due date and still due: how many, and what they still ask. */
  overdueSummary(today: string): Promise<{ count: number; total: string }> {
    return this.db.run((q) => overdueSummary(q, today));
  }

  /** One page of the overdue invoices (oldest due first), with their customer's name. */
  async overdue(
    today: string,
    page: { limit: number; offset: number },
  ): Promise<(InvoiceView & { customerName: string; customerNumber: string })[]> {
    return this.db.run(async (q) => {
      const invoices = await overdueInvoices(q, today, page);
      const customers = await findCustomers(
        q,
        invoices.map((i) => i.customerId),
      );
      const byId = new Map(customers.map((c) => [c.customerId, c]));
      return invoices.map((i) => ({
        ...i,
        customerName: byId.get(i.customerId)?.name ?? '',
        customerNumber: byId.get(i.customerId)?.customerNumber ?? '',
      }));
    });
  }

  /** The year's allocation: every row, or the `slice` asked for (totals over the year). */
  async allocation(fiscalYear?: string, slice?: RowSlice): Promise<AllocationPage> {
    const start = this.config.fiscalYearStart;
    const current = fiscalYearOf(this.clock.today(), start);
    let fy = current;
    if (fiscalYear !== undefined && fiscalYear !== '') {
      if (!/^\d{4}$/.test(fiscalYear)) {
        throw new DomainError(
          'invalid_input',
          'L’exercice doit être une année sur quatre chiffres (ex. 2026).',
          'exercice',
        );
      }
      fy = Number(fiscalYear);
    }
    return this.db.run(async (q) => {
      const data = await allocationOfFiscalYear(q, fy, slice);
      const years = fiscalYearChoices(await fiscalYearsWithPayments(q), current, fy);
      const { first, last } = fiscalYearBounds(fy, start);
      // The member by name, as people know them, not by the customer's internal id.
      const names = await namesOf(
        q,
        data.rows.map((r) => r.customerId),
      );
      return {
        ...data,
        rows: data.rows.map((r) => ({ ...r, customerName: names.get(r.customerId) ?? '' })),
        fiscalYearStart: start,
        firstDay: first,
        lastDay: last,
        years,
      };
    });
  }
}

/** Gloux's names of these customers, by customer id. */
async function namesOf(q: Queryable, customerIds: readonly string[]) {
  return new Map((await findCustomers(q, customerIds)).map((c) => [c.customerId, c.name]));
}
