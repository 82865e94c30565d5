import { Controller, Get, Inject, Param, Render } from '@nestjs/common';
import { Member, SignedIn } from '../auth/access.decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/request-auth.js';
import { HostingPages } from './hosting-pages.service.js';

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

  @Member({ hosting: 'id' })
  @Get('/hebergements/:id')
  @Render('hosting')
  async page(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const data = await this.pages.hosting(user, id);
    return { title: `Hébergement ${data.hosting.name}`, ...data };
  }

  @Member({ hosting: 'id' })
  @Get('/api/hebergements/:id')
  async data(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const { hosting, sections, conflicts } = await this.pages.hosting(user, id);
    return { hosting, conflicts, ...Object.fromEntries(sections.map((s) => [s.key, s.data])) };
  }
}
