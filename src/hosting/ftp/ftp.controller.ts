import { Body, Controller, Delete, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FtpAccountKind } from '../../../domain/hosting/ftp-events.js';
import { Member } from '../../auth/access.decorators.js';
import type { AuthUser } from '../../auth/auth-user.js';
import { CurrentUser } from '../../auth/request-auth.js';
import { HostingAccess } from '../hosting-access.js';
import {
  FtpAccountCommand,
  type FtpAccountResult,
  type FtpAction,
} from './ftp-accounts.handler.js';

const text = (body: Record<string, unknown> | undefined, key: string): string =>
  typeof body?.[key] === 'string' ? (body[key] as string) : '';

/**
 * The FTP accounts of a hosting, JSON (issue 18): create (a cooperator creates supplementary
 * accounts; staff any kind but vhost, which the web space module creates), change a password
 * or a supplementary account's folder, remove a supplementary account. The page's section
 * lists them (`/api/hebergements/:id` key `ftp`). Refusals are the catalogue's JSON.
 */
@Controller()
export class FtpController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(HostingAccess) private readonly access: HostingAccess,
  ) {}

  private async run(user: AuthUser, id: string, action: FtpAction): Promise<FtpAccountResult> {
    const hosting = await this.access.manageable(user, id);
    return this.commands.execute<FtpAccountCommand, FtpAccountResult>(
      new FtpAccountCommand(hosting.hostingId, action, `user:${user.userId}`),
    );
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/ftp')
  @HttpCode(201)
  create(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
  ) {
    const asked = text(body, 'type') || 'supplementary';
    const kind: FtpAccountKind =
      asked === 'master' && (user.admin || user.treasurer) ? 'master' : 'supplementary';
    return this.run(user, id, {
      action: 'create',
      kind,
      login: text(body, 'login'),
      path: text(body, 'chemin'),
      password: text(body, 'mot_de_passe'),
    });
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/ftp/:login/mot-de-passe')
  @HttpCode(200)
  password(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('login') login: string,
    @Body() body: Record<string, unknown>,
  ) {
    return this.run(user, id, {
      action: 'password',
      login,
      password: text(body, 'mot_de_passe'),
    });
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/ftp/:login/dossier')
  @HttpCode(200)
  root(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('login') login: string,
    @Body() body: Record<string, unknown>,
  ) {
    return this.run(user, id, { action: 'root', login, path: text(body, 'chemin') });
  }

  @Member({ hosting: 'id' })
  @Delete('/api/hebergements/:id/ftp/:login')
  @HttpCode(200)
  remove(@CurrentUser() user: AuthUser, @Param('id') id: string, @Param('login') login: string) {
    return this.run(user, id, { action: 'remove', login });
  }
}
