import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { LegacySyncWorker } from '../../legacy-sync/legacy-sync.worker.js';
import { SignedIn, Staff } from '../auth/access.decorators.js';
import { homeOf } from '../auth/auth.controller.js';
import { isStaff, type AuthUser } from '../auth/auth-user.js';
import { forbidden } from '../auth/auth-errors.js';
import { CurrentUser } from '../auth/request-auth.js';
import { BillingQueries } from '../billing/billing-queries.js';

@Controller()
export class HomeController {
  constructor(
    @Inject(BillingQueries) private readonly queries: BillingQueries,
    @Inject(LegacySyncWorker) private readonly sync: LegacySyncWorker,
  ) {}

  /** Staff are sent to the member list (the one list), a cooperator to their own page. */
  @SignedIn()
  @Get('/')
  page(@CurrentUser() user: AuthUser, @Res() res: Response) {
    if (!isStaff(user)) {
      if (!user.cooperator) throw forbidden();
      return res.redirect(303, homeOf(user));
    }
    res.redirect(303, '/admin/adherents');
  }

  @Staff()
  @Get('/api')
  async data() {
    const [customers, logPosition, syncPosition] = await Promise.all([
      this.queries.customers(),
      this.queries.logPosition(),
      this.sync.position(),
    ]);
    return {
      customers,
      legacySync: {
        logPosition,
        syncPosition,
        behind: logPosition - syncPosition,
        lastError: this.sync.lastError,
      },
    };
  }
}
