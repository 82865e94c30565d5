import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { LegacySyncWorker } from '../../legacy-sync/legacy-sync.worker.js';
import { isDay } from '../../domain/shared/day.js';
import { DomainError } from '../../domain/shared/errors.js';
import { AdminOnly, SignedIn, Staff } from '../auth/access.decorators.js';
import { homeOf } from '../auth/auth.controller.js';
import { isStaff, type AuthUser } from '../auth/auth-user.js';
import { forbidden } from '../auth/auth-errors.js';
import { CurrentUser } from '../auth/request-auth.js';
import { BillingQueries } from '../billing/billing-queries.js';
import { Clock } from '../kernel/clock.js';
import { ErrorLog } from './error-log.js';
import { HomeTiles, type ExpectedSlot } from './home-tiles.js';

/**
 * What the admin home expects from modules that may not have landed yet: a tile saying so
 * until a module registers the slot (the overage module fills both today).
 */
export const ADMIN_EXPECTED: readonly ExpectedSlot[] = [
  { slot: 'hosting.disk', order: 40, title: 'Espace disque' },
  { slot: 'mail.boxes', order: 50, title: 'Boîtes mail' },
  // The sentinel's top over-users (src/hosting/sentinel).
  { slot: 'mail.over', order: 55, title: 'Boîtes mail presque pleines' },
];

/**
 * `/` sends each role to its home; the admin's and the treasurer's homes are tiles. `/api`
 * stays the members and the Gloux mirror's position (tests and tools read it).
 */
@Controller()
export class HomeController {
  constructor(
    @Inject(BillingQueries) private readonly queries: BillingQueries,
    @Inject(LegacySyncWorker) private readonly sync: LegacySyncWorker,
    @Inject(HomeTiles) private readonly tiles: HomeTiles,
    @Inject(ErrorLog) private readonly errors: ErrorLog,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @SignedIn()
  @Get('/')
  page(@CurrentUser() user: AuthUser, @Res() res: Response) {
    if (!isStaff(user) && !user.cooperator) throw forbidden();
    res.redirect(303, homeOf(user));
  }

  @AdminOnly()
  @Get('/admin')
  async adminHome(@Res() res: Response) {
    res.render('home-admin', { title: 'Administration', ...(await this.adminData()) });
  }

  @AdminOnly()
  @Get('/api/accueil/admin')
  async adminData() {
    const today = this.clock.today();
    return {
      today,
      tiles: await this.tiles.tiles('admin', today, ADMIN_EXPECTED),
      legacySync: await this.legacySync(),
    };
  }

  @Staff()
  @Get('/tresorerie')
  async treasurerHome(@Res() res: Response) {
    res.render('home-treasurer', { title: 'Trésorerie', ...(await this.treasurerData()) });
  }

  @Staff()
  @Get('/api/accueil/tresorerie')
  async treasurerData() {
    const today = this.clock.today();
    return { today, tiles: await this.tiles.tiles('treasurer', today) };
  }

  /** The server errors of a day (today by default), newest first. */
  @AdminOnly()
  @Get('/admin/erreurs')
  async errorsPage(@Query('jour') on: string | undefined, @Res() res: Response) {
    res.render('http-errors', { title: 'Erreurs du serveur', ...(await this.errorsData(on)) });
  }

  @AdminOnly()
  @Get('/api/erreurs')
  async errorsData(@Query('jour') dayInput?: string) {
    const on = dayInput === undefined || dayInput === '' ? this.clock.today() : dayInput;
    if (!isDay(on)) throw new DomainError('invalid_input', 'Jour invalide (AAAA-MM-JJ).', 'jour');
    const [count, errors] = [await this.errors.countOn(on), await this.errors.of(on)];
    return { on, count, errors, truncated: count > errors.length };
  }

  @Staff()
  @Get('/api')
  async data() {
    const [customers, legacySync] = await Promise.all([
      this.queries.customers(),
      this.legacySync(),
    ]);
    return { customers, legacySync };
  }

  private async legacySync() {
    const [logPosition, syncPosition] = await Promise.all([
      this.queries.logPosition(),
      this.sync.position(),
    ]);
    return {
      logPosition,
      syncPosition,
      behind: logPosition - syncPosition,
      lastError: this.sync.lastError,
    };
  }
}
