import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { BillingModule } from '../billing/billing.module.js';
import { MoneticoController } from './monetico.controller.js';
import { MoneticoHomeTiles } from './monetico-home-tiles.js';
import { MoneticoService } from './monetico.service.js';

/** Card payment through Monetico (CyberMUT): request form, CGI2 notification, anomalies. */
@Module({
  imports: [CqrsModule, BillingModule],
  controllers: [MoneticoController],
  providers: [MoneticoService, MoneticoHomeTiles],
  exports: [MoneticoService],
})
export class MoneticoModule {}
