import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { BillingModule } from '../billing/billing.module.js';
import { MoneticoController } from './monetico.controller.js';
import { loadMoneticoConfig, MONETICO_CONFIG } from './monetico.config.js';
import { MoneticoService } from './monetico.service.js';

/** Card payment through Monetico (CyberMUT): request form, CGI2 notification, anomalies. */
@Module({
  imports: [CqrsModule, BillingModule],
  controllers: [MoneticoController],
  providers: [
    { provide: MONETICO_CONFIG, useFactory: () => loadMoneticoConfig() },
    MoneticoService,
  ],
  exports: [MoneticoService, MONETICO_CONFIG],
})
export class MoneticoModule {}
