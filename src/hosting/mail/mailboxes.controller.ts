import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { addDays, formatDayFr } from '../../../domain/shared/day.js';
import { DomainError } from '../../../domain/shared/errors.js';
import type { LegacyHosting } from '../../../legacy-sync/legacy-hosting-inventory.js';
import { Member } from '../../auth/access.decorators.js';
import type { AuthUser } from '../../auth/auth-user.js';
import { CurrentUser } from '../../auth/request-auth.js';
import { Clock } from '../../kernel/clock.js';
import { HOSTING_CONFIG, type HostingConfig } from '../../kernel/config.js';
import { parseIdempotencyKey } from '../../kernel/event-store/idempotency.js';
import { confirmThenSubmit } from '../../panel/confirmation.js';
import { formKey, submitForm } from '../../panel/form-page.js';
import { jsonCommand, str } from '../../panel/form-input.js';
import { HostingAccess } from '../hosting-access.js';
import { HostingPages } from '../hosting-pages.service.js';
import { MailboxPages } from './mailbox-pages.service.js';
import { MailboxCommand, type MailboxAction, type MailboxResult } from './mailboxes.handler.js';

const checked = (v: unknown) => str(v) !== '';
/** A JSON boolean, or the French refusal naming the field. */
const boolOf = (v: unknown, field: string): boolean => {
  if (typeof v === 'boolean') return v;
  throw new DomainError('invalid_input', `${field} vaut true ou false.`, field);
};

/** What the box page says after a form (from the redirect's query). */
const DONE: Readonly<Record<string, string>> = {
  cree: 'Boîte créée : elle fonctionne sous une minute.',
  minuscules: 'Boîte créée : l’adresse a été mise en minuscules. Elle fonctionne sous une minute.',
  'mot-de-passe': 'Mot de passe changé.',
  quota: 'Quota changé.',
  acces: 'Accès POP et IMAP changés.',
  repondeur: 'Message d’absence enregistré.',
  annulee: 'Suppression annulée : la boîte fonctionne à nouveau, avec tous ses messages.',
};

/**
 * A hosting's mailboxes (issue 19), as pages under `/hebergements/:id/boites` (the hosting
 * page's section lists them and holds the creation form) and as JSON under
 * `/api/hebergements/:id/boites`. Only the hosting's cooperator or staff reach them
 * (`@Member({ hosting })`); the command decides the rest. A deletion is deferred: the box stops
 * at once and its mail is kept until the purge, cancellable until then.
 */
@Controller()
export class MailboxesController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(HostingAccess) private readonly access: HostingAccess,
    @Inject(HostingPages) private readonly hostingPages: HostingPages,
    @Inject(MailboxPages) private readonly pages: MailboxPages,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(HOSTING_CONFIG) private readonly config: HostingConfig,
  ) {}

  private run(
    user: AuthUser,
    hosting: LegacyHosting,
    action: MailboxAction,
    key?: string,
  ): Promise<MailboxResult> {
    return this.commands.execute<MailboxCommand, MailboxResult>(
      new MailboxCommand(hosting.hostingId, action, `user:${user.userId}`, key),
    );
  }

  private boxUrl(hosting: LegacyHosting, address: string, done?: string): string {
    return `/hebergements/${hosting.hostingId}/boites/${encodeURIComponent(address)}${done ? `?fait=${done}` : ''}`;
  }

  /** The box page's model, with a refused form's message. */
  private async boxModel(
    hosting: LegacyHosting,
    address: string,
    extra: { error?: DomainError; notice?: string | null } = {},
  ) {
    const box = await this.pages.box(hosting, address);
    return {
      title: `Boîte ${box.addressText}`,
      hosting,
      box,
      notice: extra.notice ?? null,
      error: extra.error ? { message: extra.error.message, field: extra.error.field } : null,
      errorOn: extra.error?.field ? { [extra.error.field]: true } : {},
      deletionDays: this.config.mailDeletionDays,
    };
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/boites')
  async createForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const hosting = await this.access.manageable(user, id);
    const typed = {
      adresse: str(body?.adresse),
      quota_mo: str(body?.quota_mo),
      cle: formKey(str(body?.cle)),
    };
    await submitForm(
      res,
      'hosting',
      async () => {
        const done = await this.run(
          user,
          hosting,
          {
            action: 'create',
            address: typed.adresse,
            password: str(body?.mot_de_passe),
            quotaMb: typed.quota_mo,
            pop: checked(body?.pop),
            imap: checked(body?.imap),
          },
          parseIdempotencyKey(typed.cle),
        );
        return this.boxUrl(hosting, done.address, done.notice ? 'minuscules' : 'cree');
      },
      async (error) => {
        const data = await this.hostingPages.hosting(user, id);
        return {
          title: `Hébergement ${data.hosting.name}`,
          ...data,
          mailboxForm: { error: error.message, field: error.field ?? '', ...typed },
        };
      },
    );
  }

  @Member({ hosting: 'id' })
  @Get('/hebergements/:id/boites/:adresse')
  async boxPage(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('adresse') address: string,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const hosting = await this.access.manageable(user, id);
    const notice = Object.hasOwn(DONE, str(query.fait)) ? DONE[str(query.fait)] : null;
    res.render('mailbox', await this.boxModel(hosting, address, { notice }));
  }

  /** A form of the box page: the command, then the page again with what was done (or the refusal). */
  private async boxForm(
    res: Response,
    user: AuthUser,
    id: string,
    address: string,
    action: (address: string) => MailboxAction,
    done: string,
  ) {
    const hosting = await this.access.manageable(user, id);
    const box = await this.pages.box(hosting, address);
    await submitForm(
      res,
      'mailbox',
      async () => {
        await this.run(user, hosting, action(box.address));
        return this.boxUrl(hosting, box.address, done);
      },
      (error) => this.boxModel(hosting, box.address, { error }),
    );
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/boites/:adresse/mot-de-passe')
  passwordForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('adresse') address: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const password = str(body?.mot_de_passe);
    return this.boxForm(
      res,
      user,
      id,
      address,
      (a) => ({ action: 'password', address: a, password }),
      'mot-de-passe',
    );
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/boites/:adresse/quota')
  quotaForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('adresse') address: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const quotaMb = str(body?.quota_mo);
    return this.boxForm(
      res,
      user,
      id,
      address,
      (a) => ({ action: 'quota', address: a, quotaMb }),
      'quota',
    );
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/boites/:adresse/acces')
  accessForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('adresse') address: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const pop = checked(body?.pop);
    const imap = checked(body?.imap);
    return this.boxForm(
      res,
      user,
      id,
      address,
      (a) => ({ action: 'access', address: a, pop, imap }),
      'acces',
    );
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/boites/:adresse/repondeur')
  autoReplyForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('adresse') address: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const message = checked(body?.actif) ? str(body?.message) : null;
    return this.boxForm(
      res,
      user,
      id,
      address,
      (a) => ({ action: 'autoreply', address: a, message }),
      'repondeur',
    );
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/boites/:adresse/annuler-suppression')
  cancelForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('adresse') address: string,
    @Res() res: Response,
  ) {
    return this.boxForm(
      res,
      user,
      id,
      address,
      (a) => ({ action: 'restore', address: a }),
      'annulee',
    );
  }

  /** Deletion asks first, naming the address and the purge date. */
  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/boites/:adresse/supprimer')
  async deleteForm(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('adresse') address: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const hosting = await this.access.manageable(user, id);
    const box = await this.pages.box(hosting, address);
    const purge = formatDayFr(addDays(this.clock.today(), this.config.mailDeletionDays));
    await confirmThenSubmit(
      res,
      body,
      'mailbox',
      async () => ({
        heading: `Supprimer la boîte ${box.addressText} ?`,
        facts: [
          `La boîte ${box.addressText} ne recevra plus de messages et plus personne ne pourra s’y connecter, dès maintenant.`,
          `Ses messages sont gardés jusqu’au ${purge} : d’ici là, « annuler » la rétablit avec tout son contenu.`,
          `Le ${purge}, ses messages seront effacés ; l’adresse pourra ensuite être reprise.`,
        ],
        warning: 'Après la purge, les messages ne peuvent plus être récupérés.',
        action: `/hebergements/${hosting.hostingId}/boites/${encodeURIComponent(box.address)}/supprimer`,
        fields: {},
        confirmLabel: 'Supprimer la boîte',
        cancelHref: box.href,
      }),
      async () => {
        await this.run(user, hosting, { action: 'delete', address: box.address });
        return `/hebergements/${hosting.hostingId}#mailboxes`;
      },
      (error) => this.boxModel(hosting, box.address, { error }),
    );
  }

  // JSON twins.

  @Member({ hosting: 'id' })
  @Get('/api/hebergements/:id/boites')
  async listApi(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.pages.list(await this.access.manageable(user, id));
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/boites')
  @HttpCode(201)
  async createApi(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: unknown) {
    const hosting = await this.access.manageable(user, id);
    const { input, key } = jsonCommand(body);
    return this.run(
      user,
      hosting,
      {
        action: 'create',
        address: str(input.adresse),
        password: str(input.mot_de_passe),
        quotaMb: input.quota_mo,
        pop: typeof input.pop === 'boolean' ? input.pop : undefined,
        imap: typeof input.imap === 'boolean' ? input.imap : undefined,
      },
      key,
    );
  }

  @Member({ hosting: 'id' })
  @Get('/api/hebergements/:id/boites/:adresse')
  async boxApi(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('adresse') address: string,
  ) {
    return this.pages.box(await this.access.manageable(user, id), address);
  }

  private async api(
    user: AuthUser,
    id: string,
    address: string,
    body: unknown,
    action: (address: string, input: Record<string, unknown>) => MailboxAction,
  ) {
    const hosting = await this.access.manageable(user, id);
    const { input, key } = jsonCommand(body ?? {});
    return this.run(user, hosting, action(address, input), key);
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/boites/:adresse/mot-de-passe')
  @HttpCode(200)
  passwordApi(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('adresse') address: string,
    @Body() body: unknown,
  ) {
    return this.api(user, id, address, body, (a, i) => ({
      action: 'password',
      address: a,
      password: str(i.mot_de_passe),
    }));
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/boites/:adresse/quota')
  @HttpCode(200)
  quotaApi(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('adresse') address: string,
    @Body() body: unknown,
  ) {
    return this.api(user, id, address, body, (a, i) => ({
      action: 'quota',
      address: a,
      quotaMb: i.quota_mo,
    }));
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/boites/:adresse/acces')
  @HttpCode(200)
  accessApi(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('adresse') address: string,
    @Body() body: unknown,
  ) {
    return this.api(user, id, address, body, (a, i) => ({
      action: 'access',
      address: a,
      pop: boolOf(i.pop, 'pop'),
      imap: boolOf(i.imap, 'imap'),
    }));
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/boites/:adresse/repondeur')
  @HttpCode(200)
  autoReplyApi(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('adresse') address: string,
    @Body() body: unknown,
  ) {
    return this.api(user, id, address, body, (a, i) => ({
      action: 'autoreply',
      address: a,
      message: typeof i.message === 'string' ? i.message : null,
    }));
  }

  @Member({ hosting: 'id' })
  @Delete('/api/hebergements/:id/boites/:adresse')
  @HttpCode(200)
  deleteApi(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('adresse') address: string,
  ) {
    return this.api(user, id, address, {}, (a) => ({ action: 'delete', address: a }));
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/boites/:adresse/annuler-suppression')
  @HttpCode(200)
  cancelApi(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('adresse') address: string,
    @Body() body: unknown,
  ) {
    return this.api(user, id, address, body, (a) => ({ action: 'restore', address: a }));
  }
}
