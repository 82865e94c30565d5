import { Controller, Get, Inject, Param, Query, Render } from '@nestjs/common';
import { Member, SignedIn, Staff } from '../auth/access.decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/request-auth.js';
import { HostingPages } from './hosting-pages.service.js';
import { unicodeOf } from './hosting-domains.section.js';

/** The sentence confirming what the last form did (from the redirect's query). */
function noticeOf(query: Record<string, unknown>): string | null {
  const name = (v: unknown) =>
    typeof v === 'string' && /^[a-z0-9.-]{1,253}$/.test(v) ? unicodeOf(v) : null;
  const added = name(query.ajoute);
  if (added) return `Domaine ${added} ajouté : il est pris en compte sous une minute.`;
  const removed = name(query.retire);
  if (removed) return `Domaine ${removed} retiré : sa zone DNS ne répond plus sous une minute.`;
  const mxOff = name(query.mx_retire);
  if (mxOff)
    return `Le courrier de ${mxOff} n’est plus hébergé à Ouvaton : ses enregistrements MX sont retirés sous une minute.`;
  const mxOn = name(query.mx_heberge);
  if (mxOn)
    return `Le courrier de ${mxOn} est hébergé à Ouvaton : vous pouvez y créer des adresses.`;
  return null;
}

/** A cooperator's hostings (`/hebergements`) and one hosting's page, with their JSON twins. */
@Controller()
export class HostingController {
  constructor(@Inject(HostingPages) private readonly pages: HostingPages) {}

  @SignedIn()
  @Get('/hebergements')
  @Render('hostings')
  async listPage(@CurrentUser() user: AuthUser) {
    return { title: 'Mes hébergements', ...(await this.pages.list(user)) };
  }

  @SignedIn()
  @Get('/api/hebergements')
  list(@CurrentUser() user: AuthUser) {
    return this.pages.list(user);
  }

  @Staff()
  @Get('/admin/hebergements')
  @Render('hostings-admin')
  async staffListPage(@Query() query: Record<string, unknown>) {
    return {
      title: 'Tous les hébergements',
      ...(await this.pages.staffList(query, '/admin/hebergements')),
    };
  }

  @Staff()
  @Get('/api/admin/hebergements')
  async staffList(@Query() query: Record<string, unknown>) {
    const { search, state, hostings, pager } = await this.pages.staffList(
      query,
      '/api/admin/hebergements',
    );
    return { search, state, hostings, pager };
  }

  @Member({ hosting: 'id' })
  @Get('/hebergements/:id')
  @Render('hosting')
  async page(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ) {
    const data = await this.pages.hosting(user, id);
    return { title: `Hébergement ${data.hosting.name}`, notice: noticeOf(query), ...data };
  }

  @Member({ hosting: 'id' })
  @Get('/api/hebergements/:id')
  async data(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const { hosting, sections, conflicts } = await this.pages.hosting(user, id);
    return { hosting, conflicts, ...Object.fromEntries(sections.map((s) => [s.key, s.data])) };
  }
}
