import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { DomainError } from '../../domain/shared/errors.js';
import { Member } from '../auth/access.decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/request-auth.js';
import { parseIdempotencyKey } from '../kernel/event-store/idempotency.js';
import { confirmThenSubmit } from '../panel/confirmation.js';
import { jsonCommand, str } from '../panel/form-input.js';
import { formErrorModel, formKey, submitForm } from '../panel/form-page.js';
import {
  AddDomainCommand,
  RemoveDomainCommand,
  type DomainCommandResult,
} from './domains.commands.js';
import { DomainPages } from './domains.pages.js';
import { HostingPages } from './hosting-pages.service.js';

/** A checkbox of the form, or a JSON boolean (absent: Gloux's default, yes). */
const ticked = (v: unknown): boolean => v === undefined || v === true || v === 'oui';

/**
 * Adding and removing a hosting's domains (issue 18 "Domains"): the forms of the hosting's page
 * and their JSON twins. A removal asks for confirmation first, naming what goes with it.
 */
@Controller()
export class DomainsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(HostingPages) private readonly pages: HostingPages,
    @Inject(DomainPages) private readonly domains: DomainPages,
  ) {}

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/domaines')
  async addForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const form = {
      domaine: str(body.domaine),
      dns: body.dns === 'oui',
      mx: body.mx === 'oui',
      cle: formKey(str(body.cle)),
    };
    await submitForm(
      res,
      'hosting',
      async () => {
        const hosting = await this.pages.manageable(user, id);
        const done = await this.add(
          user,
          hosting.hostingId,
          form.domaine,
          form.dns,
          form.mx,
          form.cle,
        );
        return `/hebergements/${hosting.hostingId}?ajoute=${encodeURIComponent(done.domain)}`;
      },
      (error) => this.rerender(user, id, error, form),
    );
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/domaines/suppression')
  async removeForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const domain = str(body.domaine);
    const cle = formKey(str(body.cle));
    await confirmThenSubmit(
      res,
      body,
      'hosting',
      async () => {
        const hosting = await this.pages.manageable(user, id);
        return this.domains.removalConfirmation(hosting, domain, cle);
      },
      async () => {
        const hosting = await this.pages.manageable(user, id);
        const done = await this.remove(user, hosting.hostingId, domain, cle);
        return `/hebergements/${hosting.hostingId}?retire=${encodeURIComponent(done.domain)}`;
      },
      (error) => this.rerender(user, id, error),
    );
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/domaines')
  @HttpCode(201)
  async addApi(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: unknown) {
    const { input, key } = jsonCommand(body);
    const hosting = await this.pages.manageable(user, id);
    return this.add(
      user,
      hosting.hostingId,
      str(input.domain),
      ticked(input.manageDns),
      ticked(input.manageMx),
      key,
    );
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/domaines/suppression')
  @HttpCode(200)
  async removeApi(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: unknown) {
    const { input, key } = jsonCommand(body);
    const hosting = await this.pages.manageable(user, id);
    return this.remove(user, hosting.hostingId, str(input.domain), key);
  }

  private add(
    user: AuthUser,
    hostingId: number,
    domain: string,
    manageDns: boolean,
    manageMx: boolean,
    key: string | undefined,
  ): Promise<DomainCommandResult> {
    return this.commands.execute<AddDomainCommand, DomainCommandResult>(
      new AddDomainCommand(
        hostingId,
        { domain, manageDns, manageMx },
        user.login,
        parseIdempotencyKey(key),
      ),
    );
  }

  private remove(
    user: AuthUser,
    hostingId: number,
    domain: string,
    key: string | undefined,
  ): Promise<DomainCommandResult> {
    return this.commands.execute<RemoveDomainCommand, DomainCommandResult>(
      new RemoveDomainCommand(hostingId, domain, user.login, parseIdempotencyKey(key)),
    );
  }

  /** The hosting's page again, with the refusal above the form and what was typed. */
  private async rerender(
    user: AuthUser,
    id: string,
    error: DomainError,
    form?: { domaine: string; dns: boolean; mx: boolean; cle: string },
  ) {
    const data = await this.pages.hosting(user, id);
    return {
      title: `Hébergement ${data.hosting.name}`,
      ...data,
      ...formErrorModel(error, (field) => (field === 'domaine' ? 'domaine' : '')),
      domainForm: form ?? null,
    };
  }
}
