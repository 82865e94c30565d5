import type { FiscalYearStart } from '../domain/shared/fiscal-year.js';
import type { Projection } from '../src/kernel/projection.js';
import { accountsProjection } from './accounts/accounts.projection.js';
import { assembliesProjection } from './assemblies/assemblies.projection.js';
import { bankProjection } from './bank/bank.projection.js';
import { customerCreditProjection } from './customer-credit/customer-credit.projection.js';
import { documentsProjection } from './documents/documents.projection.js';
import { hostingBillingsProjection } from './hosting-billings/hosting-billings.projection.js';
import { invoiceBalancesProjection } from './invoice-balances/invoice-balances.projection.js';
import { overageProjection } from './overage/overage.projection.js';
import { paymentAllocationProjection } from './payment-allocation/payment-allocation.projection.js';
import { sharesProjection } from './shares/shares.projection.js';
import { treasuryProjection } from './treasury/treasury.projection.js';
import { vatRatesProjection } from './vat-rates/vat-rates.projection.js';

/** Every read model, in the order the pipeline feeds them (each writes only its own tables). */
export function allProjections(fiscalYearStart: FiscalYearStart): Projection[] {
  return [
    invoiceBalancesProjection(),
    paymentAllocationProjection(fiscalYearStart),
    vatRatesProjection(),
    hostingBillingsProjection(),
    customerCreditProjection(),
    documentsProjection(),
    overageProjection(),
    sharesProjection(),
    assembliesProjection(),
    bankProjection(),
    treasuryProjection(),
    accountsProjection(),
  ];
}
