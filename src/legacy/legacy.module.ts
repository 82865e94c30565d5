import { Module } from '@nestjs/common';
import { LegacySyncModule } from '../../legacy-sync/legacy-sync.module.js';
import { LegacyPages } from './legacy-pages.service.js';
import { LegacyController } from './legacy.controller.js';

/** Gloux coexistence pages: drift report, import report, repair. */
@Module({
  imports: [LegacySyncModule],
  controllers: [LegacyController],
  providers: [LegacyPages],
  exports: [LegacyPages],
})
export class LegacyModule {}
