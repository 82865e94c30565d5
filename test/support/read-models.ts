import { InvoiceBalancesProjection } from '../../projections/invoice-balances/invoice-balances.projection.js';
import { PaymentAllocationProjection } from '../../projections/payment-allocation/payment-allocation.projection.js';

/** Every read-model table, from the projections themselves. */
export const readModelTables: readonly string[] = [
  ...new InvoiceBalancesProjection().tables,
  ...new PaymentAllocationProjection('01-01').tables,
];
