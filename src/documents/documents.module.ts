import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import type { SellerIdentity } from '../../domain/documents/printable-document.js';
import {
  APP_CONFIG,
  PLACEHOLDER_SIREN,
  SELLER_IDENTITY,
  type AppConfig,
} from '../kernel/config.js';
import { DocumentsController } from './documents.controller.js';
import { DocumentsService } from './documents.service.js';

/** Invoices and credit notes as printable pages, PDFs and JSON. */
@Module({
  controllers: [DocumentsController],
  providers: [DocumentsService],
  exports: [DocumentsService],
})
export class DocumentsModule implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SELLER_IDENTITY) private readonly seller: SellerIdentity,
  ) {}

  onModuleInit(): void {
    // On Gloux's database (production) invoices must carry the real registration numbers.
    if (this.config.database.dialect === 'mysql' && this.seller.siren === PLACEHOLDER_SIREN) {
      new Logger('Documents').warn(
        'SELLER_SIREN (and SELLER_ADDRESS, SELLER_VAT_NUMBER) are not set: invoices print placeholder identifiers.',
      );
    }
  }
}
