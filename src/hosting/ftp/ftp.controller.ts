import { Body, Controller, Delete, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { DomainError } from '../../../domain/shared/errors.js';
import { confirmThenSubmit } from '../../panel/confirmation.js';
import { submitForm } from '../../panel/form-page.js';
import { HostingPages } from '../hosting-pages.service.js';
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
    @Inject(HostingPages) private readonly pages: HostingPages,
  ) {}

  /** The hosting's page again, with the refused FTP form's message and what was typed. */
  private async refused(user: AuthUser, id: string, error: DomainError, typed: object) {
    const data = await this.pages.hosting(user, id);
    return {
      title: `Hébergement ${data.hosting.name}`,
      ...data,
      ftpForm: { error: error.message, field: error.field ?? '', ...typed },
    };
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/ftp')
  async createForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const typed = { login: text(body, 'login'), chemin: text(body, 'chemin') };
    await submitForm(
      res,
      'hosting',
      async () => {
        await this.run(user, id, {
          action: 'create',
          kind: 'supplementary',
          login: typed.login,
          path: typed.chemin,
          password: text(body, 'mot_de_passe'),
        });
        return `/hebergements/${encodeURIComponent(id)}#ftp`;
      },
      (error) => this.refused(user, id, error, typed),
    );
  }

  /** A form on one account: the command, then the hosting's page (or the page with the refusal). */
  private submitAccountForm(res: Response, user: AuthUser, id: string, action: FtpAction) {
    return submitForm(
      res,
      'hosting',
      async () => {
        await this.run(user, id, action);
        return `/hebergements/${encodeURIComponent(id)}#ftp`;
      },
      (error) => this.refused(user, id, error, { account: action.login }),
    );
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/ftp/:login/mot-de-passe')
  passwordForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('login') login: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const password = text(body, 'mot_de_passe');
    return this.submitAccountForm(res, user, id, { action: 'password', login, password });
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/ftp/:login/dossier')
  folderForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('login') login: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    return this.submitAccountForm(res, user, id, {
      action: 'root',
      login,
      path: text(body, 'chemin'),
    });
  }

  /** Removal asks first (the account stops at once; its files stay). */
  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/ftp/:login/supprimer')
  async removeForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('login') login: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const back = `/hebergements/${encodeURIComponent(id)}#ftp`;
    await confirmThenSubmit(
      res,
      body,
      'hosting',
      async () => {
        const hosting = await this.access.manageable(user, id);
        return {
          heading: `Supprimer le compte FTP ${login} ?`,
          facts: [
            `Le compte ${login} de l’hébergement ${hosting.name} ne pourra plus se connecter.`,
            'Les fichiers de son dossier restent en place.',
          ],
          warning: 'Un compte supprimé ne se rétablit pas : il faudra en créer un nouveau.',
          action: `/hebergements/${encodeURIComponent(id)}/ftp/${encodeURIComponent(login)}/supprimer`,
          fields: {},
          confirmLabel: 'Supprimer le compte',
          cancelHref: back,
        };
      },
      async () => {
        await this.run(user, id, { action: 'remove', login });
        return back;
      },
      (error) => this.refused(user, id, error, { account: login }),
    );
  }

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
