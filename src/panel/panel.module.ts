import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LegacySyncModule } from '../../legacy-sync/legacy-sync.module.js';
import { BillingModule } from '../billing/billing.module.js';
import { AdminController } from './admin.controller.js';
import { CooperatorController } from './cooperator.controller.js';
import { HomeController } from './home.controller.js';
import { TreasurerController } from './treasurer.controller.js';

@Module({
  imports: [CqrsModule, BillingModule, LegacySyncModule],
  controllers: [HomeController, CooperatorController, TreasurerController, AdminController],
})
export class PanelModule {}
