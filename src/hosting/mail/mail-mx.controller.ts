import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { DomainError } from '../../../domain/shared/errors.js';
import { Member } from '../../auth/access.decorators.js';
import type { AuthUser } from '../../auth/auth-user.js';
import { CurrentUser } from '../../auth/request-auth.js';
import { parseIdempotencyKey } from '../../kernel/event-store/idempotency.js';
import { jsonCommand, str } from '../../panel/form-input.js';
import { submitForm } from '../../panel/form-page.js';
import { HostingPages } from '../hosting-pages.service.js';
import { SetDomainMailCommand, type DomainMailResult } from './mail-mx.js';

/** The form's `action`, or the API's `hosted` boolean. */
function hostedOf(value: unknown): boolean {
  if (value === 'retirer' || value === false) return false;
  if (value === 'heberger' || value === true) return true;
  throw new DomainError(
    'invalid_input',
    'Indiquez si le courrier du domaine est hébergé à Ouvaton (hosted : true ou false).',
    'hosted',
  );
}

/**
 * A domain's mail hosted at Ouvaton or not (issue 19, "MX handled transparently"): the buttons
 * of the hosting page's « Courrier des domaines » and their JSON twin.
 */
@Controller()
export class MailMxController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(HostingPages) private readonly pages: HostingPages,
  ) {}

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/courrier/mx')
  async form(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    await submitForm(
      res,
      'hosting',
      async () => {
        const hosting = await this.pages.manageable(user, id);
        const done = await this.set(user, hosting.hostingId, str(body.domaine), body.action);
        const notice = done.hosted ? 'mx_heberge' : 'mx_retire';
        return `/hebergements/${hosting.hostingId}?${notice}=${encodeURIComponent(done.domain)}#mailDomains`;
      },
      async (error) => {
        const data = await this.pages.hosting(user, id);
        return { title: `Hébergement ${data.hosting.name}`, ...data, mailError: error.message };
      },
    );
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/courrier/mx')
  @HttpCode(200)
  async api(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: unknown) {
    const { input, key } = jsonCommand(body);
    const hosting = await this.pages.manageable(user, id);
    return this.set(user, hosting.hostingId, str(input.domain), input.hosted, key);
  }

  private set(
    user: AuthUser,
    hostingId: number,
    domain: string,
    hosted: unknown,
    key?: string,
  ): Promise<DomainMailResult> {
    return this.commands.execute<SetDomainMailCommand, DomainMailResult>(
      new SetDomainMailCommand(
        hostingId,
        domain,
        hostedOf(hosted),
        user.login,
        parseIdempotencyKey(key),
      ),
    );
  }
}
