import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { APP_GUARD } from '@nestjs/core';
import { LegacySyncModule } from '../../legacy-sync/legacy-sync.module.js';
import { BillingModule } from '../billing/billing.module.js';
import { SharesModule } from '../shares/shares.module.js';
import { AccessGuard } from './access.guard.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { MembersController } from './members.controller.js';
import { MembersService } from './members.service.js';
import { Ownership } from './ownership.js';
import { SignUpController } from './sign-up.controller.js';
import { SignUpHandler } from './sign-up.handler.js';
import { SignUpPages } from './sign-up-pages.js';
import { UpdatePersonHandler } from './update-person.handler.js';

/** Sign-in, sessions and the global access guard (every route: deny by default). */
@Module({
  imports: [CqrsModule, BillingModule, SharesModule, LegacySyncModule],
  controllers: [AuthController, SignUpController, MembersController],
  providers: [
    AuthService,
    MembersService,
    Ownership,
    SignUpHandler,
    SignUpPages,
    UpdatePersonHandler,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthService],
})
export class AuthModule {}
