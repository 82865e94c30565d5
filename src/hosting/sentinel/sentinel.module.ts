import { Module } from '@nestjs/common';
import { LifecycleModule } from '../../lifecycle/lifecycle.module.js';
import { OverUsersController } from './over-users.controller.js';
import { OverUsersQueries } from './over-users.queries.js';
import { SentinelHomeTiles } from './sentinel-home-tiles.js';
import { SentinelService } from './sentinel.service.js';

/** The mailbox sentinel (CLI sentinel:run) and the top over-users page (issue 19, for admins). */
@Module({
  imports: [LifecycleModule],
  controllers: [OverUsersController],
  providers: [SentinelService, OverUsersQueries, SentinelHomeTiles],
  exports: [SentinelService, OverUsersQueries],
})
export class SentinelModule {}
