import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { DomainError, FieldError } from '../../../domain/shared/errors.js';
import { Member } from '../../auth/access.decorators.js';
import type { AuthUser } from '../../auth/auth-user.js';
import { CurrentUser } from '../../auth/request-auth.js';
import { confirmThenSubmit } from '../../panel/confirmation.js';
import { str } from '../../panel/form-input.js';
import { unlessRefused } from '../../panel/form-page.js';
import { HostingAccess } from '../hosting-access.js';
import { HostingPages } from '../hosting-pages.service.js';
import {
  RedirectionCommand,
  type RedirectionAction,
  type RedirectionResult,
} from './redirections.handler.js';
import { addressShown } from './redirections.section.js';

const text = (body: Record<string, unknown> | undefined, key: string): string => str(body?.[key]);

/** A list of addresses (JSON) or the text of the form's textarea. */
const destinationsOf = (body: Record<string, unknown> | undefined): string | readonly string[] => {
  const value = body?.destinations;
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : text(body, 'destinations');
};

/** The form's checkbox (`oui`) or a JSON boolean. */
const keepCopyOf = (body: Record<string, unknown> | undefined): boolean =>
  body?.garder_copie === true || body?.garder_copie === 'oui';

/**
 * The mail redirections of a hosting (issue 19), pages and JSON: create, change, remove (after a
 * confirmation page); the source is in the body (`a@domaine` or `@domaine`), never in the path.
 * A refusal shows the hosting's page again with every error at once and what was typed; a
 * redirection to an outside address is made, and the page says why it may not arrive (SPF).
 */
@Controller()
export class RedirectionsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(HostingAccess) private readonly access: HostingAccess,
    @Inject(HostingPages) private readonly pages: HostingPages,
  ) {}

  private async run(user: AuthUser, id: string, action: RedirectionAction, key?: string) {
    const hosting = await this.access.manageable(user, id);
    return this.commands.execute<RedirectionCommand, RedirectionResult>(
      new RedirectionCommand(hosting.hostingId, action, `user:${user.userId}`, key),
    );
  }

  /** The hosting's page, with the redirection form's outcome (errors or warnings). */
  private async hostingPage(user: AuthUser, id: string, redirectionForm: object) {
    const data = await this.pages.hosting(user, id);
    return { title: `Hébergement ${data.hosting.name}`, ...data, redirectionForm };
  }

  private refused(user: AuthUser, id: string, error: DomainError, typed: object) {
    const errors = (error.details?.errors as FieldError[] | undefined) ?? [
      { field: error.field ?? '', message: error.message },
    ];
    return this.hostingPage(user, id, {
      ...typed,
      error: error.message,
      errors: errors.map((e) => e.message),
      errorOn: Object.fromEntries(errors.map((e) => [e.field, true])),
    });
  }

  /** Create or change from the page: 303 back to the section, or the page with the warnings. */
  private async submit(
    res: Response,
    user: AuthUser,
    id: string,
    mode: 'create' | 'change',
    body: Record<string, unknown>,
  ) {
    const typed = {
      mode,
      source: text(body, 'source'),
      destinations: text(body, 'destinations'),
      garder_copie: keepCopyOf(body),
    };
    const done = await unlessRefused(
      res,
      'hosting',
      () =>
        this.run(
          user,
          id,
          {
            action: mode,
            source: typed.source,
            destinations: typed.destinations,
            keepCopy: typed.garder_copie,
          },
          text(body, 'cle') || undefined,
        ),
      (error) => this.refused(user, id, error, typed),
    );
    if (!done) return;
    const back = `/hebergements/${encodeURIComponent(id)}#redirections`;
    if (done.value.warnings.length === 0) return res.redirect(303, back);
    res.status(200).render(
      'hosting',
      await this.hostingPage(user, id, {
        notice: `Redirection de ${addressShown(done.value.source)} ${mode === 'create' ? 'créée' : 'modifiée'}, appliquée sous une minute. À savoir :`,
        warnings: done.value.warnings,
      }),
    );
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/redirections')
  createForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    return this.submit(res, user, id, 'create', body);
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/redirections/modifier')
  changeForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    return this.submit(res, user, id, 'change', body);
  }

  /** Removal asks first (mail to the source is no longer forwarded at once). */
  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/redirections/supprimer')
  async removeForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const source = text(body, 'source');
    const back = `/hebergements/${encodeURIComponent(id)}#redirections`;
    await confirmThenSubmit(
      res,
      body,
      'hosting',
      async () => {
        const hosting = await this.access.manageable(user, id);
        const catchAll = source.trim().startsWith('@');
        return {
          heading: `Supprimer la redirection de ${source} ?`,
          facts: [
            `Les messages pour ${source} (hébergement ${hosting.name}) ne seront plus retransmis.`,
            catchAll
              ? 'Les adresses du domaine sans boîte ni redirection seront refusées.'
              : 'S’il y a une boîte à cette adresse, elle recevra les messages ; sinon ils iront à la redirection de tout le domaine, s’il y en a une, ou seront refusés.',
          ],
          warning: 'Une redirection supprimée ne se rétablit pas : il faudra la créer à nouveau.',
          action: `/hebergements/${encodeURIComponent(id)}/redirections/supprimer`,
          fields: { source },
          confirmLabel: 'Supprimer la redirection',
          cancelHref: back,
        };
      },
      async () => {
        await this.run(user, id, { action: 'remove', source });
        return back;
      },
      (error) => this.refused(user, id, error, { mode: 'remove', source }),
    );
  }

  /** The JSON twins of the forms: a create or a change from the body. */
  private runJson(
    user: AuthUser,
    id: string,
    action: 'create' | 'change',
    body: Record<string, unknown>,
  ) {
    const input: RedirectionAction = {
      action,
      source: text(body, 'source'),
      destinations: destinationsOf(body),
      keepCopy: keepCopyOf(body),
    };
    return this.run(user, id, input, text(body, 'idempotencyKey') || undefined);
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/redirections')
  @HttpCode(201)
  create(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
  ) {
    return this.runJson(user, id, 'create', body);
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/redirections/modifier')
  @HttpCode(200)
  change(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
  ) {
    return this.runJson(user, id, 'change', body);
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/redirections/supprimer')
  @HttpCode(200)
  remove(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
  ) {
    return this.run(
      user,
      id,
      { action: 'remove', source: text(body, 'source') },
      text(body, 'idempotencyKey') || undefined,
    );
  }
}
