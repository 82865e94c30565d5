import { EventStore1764900000000 } from './1764900000000-event-store.js';
import { ReadModels1764900000001 } from './1764900000001-read-models.js';
import { SqliteGlouxTables1764900000002 } from './1764900000002-sqlite-gloux-tables.js';
import { CreditAndReversals1764900000003 } from './1764900000003-credit-and-reversals.js';
import { Documents1764900000100 } from './1764900000100-documents.js';
import { VatRates1764900000200 } from './1764900000200-vat-rates.js';
import { AnniversaryBilling1764900000201 } from './1764900000201-anniversary-billing.js';
import { Overage1764900000300 } from './1764900000300-overage.js';
import { Shares1764900000400 } from './1764900000400-shares.js';
import { Assemblies1764900000500 } from './1764900000500-assemblies.js';
import { Auth1764900000600 } from './1764900000600-auth.js';
import { SignUps1764900000601 } from './1764900000601-sign-ups.js';
import { Accounts1764900000700 } from './1764900000700-accounts.js';
import { Bank1764900000850 } from './1764900000850-bank.js';
import { CardPayments1764900001000 } from './1764900001000-card-payments.js';
import { LegacyIngest1764900000900 } from './1764900000900-legacy-ingest.js';
import { Treasury1764900000800 } from './1764900000800-treasury.js';
import { Books1764900002200 } from './1764900002200-books.js';
import { BankBalances1764900002350 } from './1764900002350-bank-balances.js';
import { NumberDraws1764900002460 } from './1764900002460-number-draws.js';
import { BankBookings1764900002517 } from './1764900002517-bank-bookings.js';
import { SharePayouts1764900002518 } from './1764900002518-share-payouts.js';
import { CardForged1764900002530 } from './1764900002530-card-forged.js';
import { Homes1764900002600 } from './1764900002600-homes.js';
import { CardForgedWindow1764900002700 } from './1764900002700-card-forged-window.js';
import { ClosedExports1764900002720 } from './1764900002720-closed-exports.js';
import { LegacyBalanceDeltas1764900002730 } from './1764900002730-legacy-balance-deltas.js';
import { ShareCheques1764900002740 } from './1764900002740-share-cheques.js';
import { AssemblyConvocation1764900002800 } from './1764900002800-assembly-convocation.js';
import { Jobs1764900002900 } from './1764900002900-jobs.js';
import { HostingSecrets1764900002910 } from './1764900002910-hosting-secrets.js';
import { HostingNames1764900002920 } from './1764900002920-hosting-names.js';
import { AllocationRowsByDay1764900002930 } from './1764900002930-allocation-rows-by-day.js';
import { Mail1764900002940 } from './1764900002940-mail.js';
import { Sentinel1764900002990 } from './1764900002990-sentinel.js';

/** In order. A released migration is never edited: add a new one. */
export const migrations = [
  EventStore1764900000000,
  ReadModels1764900000001,
  SqliteGlouxTables1764900000002,
  CreditAndReversals1764900000003,
  Documents1764900000100,
  VatRates1764900000200,
  AnniversaryBilling1764900000201,
  Overage1764900000300,
  Shares1764900000400,
  Assemblies1764900000500,
  Auth1764900000600,
  SignUps1764900000601,
  Accounts1764900000700,
  Bank1764900000850,
  CardPayments1764900001000,
  LegacyIngest1764900000900,
  Treasury1764900000800,
  Books1764900002200,
  BankBalances1764900002350,
  NumberDraws1764900002460,
  BankBookings1764900002517,
  SharePayouts1764900002518,
  CardForged1764900002530,
  Homes1764900002600,
  CardForgedWindow1764900002700,
  ClosedExports1764900002720,
  LegacyBalanceDeltas1764900002730,
  ShareCheques1764900002740,
  AssemblyConvocation1764900002800,
  Jobs1764900002900,
  HostingSecrets1764900002910,
  HostingNames1764900002920,
  AllocationRowsByDay1764900002930,
  Mail1764900002940,
  Sentinel1764900002990,
];
