import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CancelDepositSlipHandler, IssueDepositSlipHandler } from './deposit-slip.handlers.js';
import { DepositSlipPages } from './deposit-slip-pages.service.js';
import { DepositSlipsController } from './deposit-slips.controller.js';
import { BankHomeTiles } from './bank-home-tiles.js';
import {
  BookBankLineHandler,
  ConfirmBankMatchesHandler,
  ImportBankStatementHandler,
  UndoBankMatchHandler,
} from './bank-statement.handlers.js';
import { BooksController } from './books.controller.js';
import { BooksService } from './books.service.js';
import { FecController } from './fec.controller.js';
import { FecService } from './fec.service.js';
import { ReconciliationController } from './reconciliation.controller.js';
import { ReconciliationService } from './reconciliation.service.js';

/** Cheque deposit slips, bank statement import and reconciliation, the books (closing, export). */
@Module({
  imports: [CqrsModule],
  controllers: [DepositSlipsController, ReconciliationController, FecController, BooksController],
  providers: [
    IssueDepositSlipHandler,
    CancelDepositSlipHandler,
    DepositSlipPages,
    ImportBankStatementHandler,
    ConfirmBankMatchesHandler,
    UndoBankMatchHandler,
    BookBankLineHandler,
    ReconciliationService,
    FecService,
    BooksService,
    BankHomeTiles,
  ],
  exports: [DepositSlipPages, ReconciliationService, FecService, BooksService],
})
export class BankModule {}
