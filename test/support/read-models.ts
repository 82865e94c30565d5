import { DocumentsProjection } from '../../projections/documents/documents.projection.js';
import { CustomerCreditProjection } from '../../projections/customer-credit/customer-credit.projection.js';
import { InvoiceBalancesProjection } from '../../projections/invoice-balances/invoice-balances.projection.js';
import { PaymentAllocationProjection } from '../../projections/payment-allocation/payment-allocation.projection.js';
import { VatRatesProjection } from '../../projections/vat-rates/vat-rates.projection.js';
import { HostingBillingsProjection } from '../../projections/hosting-billings/hosting-billings.projection.js';
import { SharesProjection } from '../../projections/shares/shares.projection.js';
import { AssembliesProjection } from '../../projections/assemblies/assemblies.projection.js';
import { BankProjection } from '../../projections/bank/bank.projection.js';
import { TreasuryProjection } from '../../projections/treasury/treasury.projection.js';
import { AccountsProjection } from '../../projections/accounts/accounts.projection.js';

/** Every read-model table, from the projections themselves. */
export const readModelTables: readonly string[] = [
  ...new InvoiceBalancesProjection().tables,
  ...new PaymentAllocationProjection('01-01').tables,
  ...new VatRatesProjection().tables,
  ...new HostingBillingsProjection().tables,
  ...new CustomerCreditProjection().tables,
  ...new DocumentsProjection().tables,
  ...new SharesProjection().tables,
  ...new AssembliesProjection().tables,
  ...new BankProjection().tables,
  ...new TreasuryProjection().tables,
  ...new AccountsProjection().tables,
];

/** Every read-model row as sorted JSON, per table: two snapshots are equal when the tables are. */
export async function snapshotReadModels(
  selectAll: (table: string) => unknown[] | Promise<unknown[]>,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of readModelTables) {
    out[table] = (await selectAll(table)).map((r) => JSON.stringify(r)).sort();
  }
  return out;
}
