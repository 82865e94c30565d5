import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CommandBus } from '@nestjs/cqrs';
import { PERSON_FIELDS } from '../../domain/accounts/person.js';
import { DomainError } from '../../domain/shared/errors.js';
import { statusOf } from '../kernel/errors.js';
import { BillingQueries } from '../billing/billing-queries.js';
import { SharesPages } from '../shares/shares-pages.service.js';
import { AdminOnly, Staff } from './access.decorators.js';
import { AuthService } from './auth.service.js';
import { MEMBER_STATES, MembersService } from './members.service.js';
import { requestedSort, sortHeaders, sortRows } from '../panel/sorting.js';
import { UpdatePersonCommand, type UpdatePersonResult } from './update-person.command.js';
import { authOf } from './request-auth.js';

type MemberRow = Awaited<ReturnType<MembersService['search']>>[number];

/** The member list's sortable columns (?tri=): their headers and the key each sorts by. */
const MEMBER_LABELS = {
  numero: 'N° client',
  nom: 'Nom',
  ville: 'Ville',
  etat: 'État',
  solde: 'Solde (Gloux)',
} as const;
const MEMBER_COLUMNS = Object.keys(MEMBER_LABELS) as (keyof typeof MEMBER_LABELS)[];
const MEMBER_KEYS: Record<keyof typeof MEMBER_LABELS, (m: MemberRow) => string | number> = {
  numero: (m) => m.customerNumber,
  nom: (m) => m.name,
  ville: (m) => m.city,
  etat: (m) => m.state,
  // Cents as a number: amounts compare by value, never as text or a float.
  solde: (m) => Number(m.balance.replace('.', '')),
};

/**
 * The one member list (with search) and a member's page gathering the person, their accounts,
 * hostings, invoices and shares, for staff; editing the person and a login's password, for an
 * admin.
 */
@AdminOnly()
@Controller()
export class MembersController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(MembersService) private readonly members: MembersService,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(BillingQueries) private readonly billing: BillingQueries,
    @Inject(SharesPages) private readonly shares: SharesPages,
  ) {}

  @Staff()
  @Get('/admin/adherents')
  async list(@Query() query: Record<string, unknown>, @Res() res: Response) {
    const search = typeof query.q === 'string' ? query.q.slice(0, 100) : '';
    // An unknown state or column is ignored: the whole list, in its default order.
    const state = MEMBER_STATES.find((s) => s === query.etat);
    const sort = requestedSort(query, MEMBER_COLUMNS, { column: 'numero', order: 'asc' });
    const members = sortRows(
      await this.members.search(search, state),
      MEMBER_KEYS[sort.column],
      sort.order,
      (m) => Number(m.customerId),
    );
    res.render('members', {
      title: 'Adhérents',
      search,
      state: state ?? '',
      members,
      headers: sortHeaders('/admin/adherents', { q: search, etat: state }, MEMBER_LABELS, sort),
    });
  }

  @Staff()
  @Get('/api/adherents')
  async listData(@Query('q') q: unknown) {
    const search = typeof q === 'string' ? q.slice(0, 100) : '';
    return { search, members: await this.members.search(search) };
  }

  /** The staff forms' search as you type (src/panel/assets/member-search.js): at most 10. */
  @Staff()
  @Get('/api/recherche/adherents')
  async suggest(@Query('q') q: unknown) {
    const search = typeof q === 'string' ? q.slice(0, 100) : '';
    return { search, members: await this.billing.suggestMembers(search) };
  }

  @Staff()
  @Get('/admin/adherents/:customerId')
  async page(
    @Param('customerId') customerId: string,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ) {
    res.render('member', {
      title: 'Adhérent',
      ...(await this.member(customerId)),
      notice: query.enregistre
        ? 'Modifications enregistrées (aussi dans Gloux).'
        : query.mdp
          ? 'Mot de passe changé.'
          : null,
    });
  }

  @Staff()
  @Get('/api/admin/adherents/:customerId')
  data(@Param('customerId') customerId: string) {
    return this.member(customerId);
  }

  @Post('/admin/adherents/:customerId')
  async edit(
    @Param('customerId') customerId: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    try {
      await this.save(customerId, body, `admin:${authOf(req)?.user.login ?? ''}`);
      res.redirect(303, `/admin/adherents/${customerId}?enregistre=1`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const data = await this.member(customerId);
      res.status(statusOf(error)).render('member', {
        title: 'Adhérent',
        ...data,
        tiers: {
          ...data.tiers,
          ...Object.fromEntries(PERSON_FIELDS.map(([f, i]) => [f, body[i]])),
        },
        error: { message: error.message },
        errorOn: error.field ? { [error.field]: true } : {},
      });
    }
  }

  @Post('/api/admin/adherents/:customerId')
  async editApi(
    @Param('customerId') customerId: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
  ) {
    await this.save(customerId, body ?? {}, `api:${authOf(req)?.user.login ?? ''}`);
    return this.member(customerId);
  }

  @Post('/admin/utilisateurs/:userId/mot-de-passe')
  async password(
    @Param('userId') userId: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const back =
      typeof body.adherent === 'string' && /^\d{1,10}$/.test(body.adherent) ? body.adherent : '';
    try {
      await this.changePassword(userId, body.mot_de_passe, req);
      res.redirect(303, back ? `/admin/adherents/${back}?mdp=1` : '/admin/adherents');
    } catch (error) {
      if (!(error instanceof DomainError) || !back) throw error;
      res.status(statusOf(error)).render('member', {
        title: 'Adhérent',
        ...(await this.member(back)),
        error: { message: error.message },
        errorOn: {},
      });
    }
  }

  @Post('/api/admin/utilisateurs/:userId/mot-de-passe')
  async passwordApi(
    @Param('userId') userId: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
  ) {
    await this.changePassword(userId, body?.password, req);
    return { userId, changed: true };
  }

  private async changePassword(userId: string, password: unknown, req: Request) {
    // An admin changing their own password keeps this session; every other one ends.
    const mine = authOf(req);
    const keep = mine && mine.user.userId === userId ? mine.session.tokenHash : null;
    await this.auth.changePassword(userId, typeof password === 'string' ? password : '', keep);
  }

  private save(customerId: string, body: Record<string, unknown>, actor: string) {
    return this.commands.execute<UpdatePersonCommand, UpdatePersonResult>(
      new UpdatePersonCommand(customerId, body, actor),
    );
  }

  private async member(customerId: string) {
    const member = await this.members.member(customerId);
    const [account, shares] = await Promise.all([
      this.billing.customerPage(customerId),
      // A customer whose person Gloux does not know holds no share.
      this.shares.member(customerId).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'not_found') return null;
        throw error;
      }),
    ]);
    const { balance, due, credit, invoices } = account;
    return {
      ...member,
      billing: { balance, due, credit, invoices, payments: account.payments.length },
      shares: shares && { held: shares.held, total: shares.shares.length },
    };
  }
}
