import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, loadSeller, SELLER_IDENTITY, type AppConfig } from '../kernel/config.js';
import { DocumentsController } from './documents.controller.js';
import { DocumentsService } from './documents.service.js';

/** Invoices and credit notes as printable pages, PDFs and JSON. */
@Module({
  controllers: [DocumentsController],
  providers: [DocumentsService, { provide: SELLER_IDENTITY, useFactory: () => loadSeller() }],
  exports: [DocumentsService],
})
export class DocumentsModule implements OnModuleInit {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    // On Gloux's database (production) invoices must carry the real registration numbers.
    if (this.config.database.dialect === 'mysql' && !process.env.SELLER_SIREN?.trim()) {
      new Logger('Documents').warn(
        'SELLER_SIREN (and SELLER_ADDRESS, SELLER_VAT_NUMBER) are not set: invoices print placeholder identifiers.',
      );
    }
  }
}
