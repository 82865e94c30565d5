import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { PHP_CHOICES, PHP_LABELS } from '../../../domain/hosting/vhosts.js';
import type { VhostForm } from '../../../domain/hosting/vhost-inventory.js';
import { DomainError } from '../../../domain/shared/errors.js';
import type { LegacyHosting } from '../../../legacy-sync/legacy-hosting-inventory.js';
import { Member } from '../../auth/access.decorators.js';
import type { AuthUser } from '../../auth/auth-user.js';
import { CurrentUser } from '../../auth/request-auth.js';
import { HOSTING_CONFIG, type HostingConfig } from '../../kernel/config.js';
import { parseIdempotencyKey } from '../../kernel/event-store/idempotency.js';
import { confirmThenSubmit } from '../../panel/confirmation.js';
import { formErrorModel, formKey, submitForm } from '../../panel/form-page.js';
import { jsonCommand, str } from '../../panel/form-input.js';
import { HostingAccess } from '../hosting-access.js';
import { unicodeOf } from '../hosting-domains.section.js';
import { VhostPages } from './vhost-pages.service.js';
import {
  ChangeVhostCommand,
  CreateVhostCommand,
  RemoveVhostCommand,
  type VhostCommandResult,
} from './vhost.commands.js';

/** The form's inputs, as typed (French names, as the page posts them). */
interface SiteForm {
  cle: string;
  nom_hote: string;
  racine: string;
  alias: string;
  php: string;
  redirection: string;
  ssl: boolean;
  actif: boolean;
}

const checked = (v: unknown) => str(v) !== '';

function formOf(body: Record<string, unknown> | undefined): SiteForm {
  return {
    cle: str(body?.cle),
    nom_hote: str(body?.nom_hote),
    racine: str(body?.racine),
    alias: str(body?.alias),
    php: str(body?.php),
    redirection: str(body?.redirection),
    ssl: checked(body?.ssl),
    actif: checked(body?.actif),
  };
}

const settingsOf = (form: SiteForm): VhostForm => ({
  aliases: form.alias,
  php: form.php,
  redirection: form.redirection,
  ssl: form.ssl,
  enabled: form.actif,
});

/** A domain field's name on the page (they are the same here, in French). */
const inputOf = (field: string) => field;

/** JSON bodies: the same fields in English; booleans as JSON booleans. */
function apiSettings(input: Record<string, unknown>): VhostForm {
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const aliases = Array.isArray(input.aliases)
    ? input.aliases.map(String).join(' ')
    : text(input.aliases);
  return {
    aliases,
    php: text(input.php),
    redirection: text(input.redirection),
    ssl: bool(input.ssl),
    enabled: bool(input.enabled),
  };
}

/**
 * A hosting's web spaces (issue 18): create, change, delete, as pages under
 * `/hebergements/:id/sites` and as JSON under `/api/hebergements/:id/sites`. Only the hosting's
 * cooperator or staff reach them (`@Member({ hosting })`); the commands decide the rest.
 */
@Controller()
export class VhostsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(HostingAccess) private readonly access: HostingAccess,
    @Inject(VhostPages) private readonly pages: VhostPages,
    @Inject(HOSTING_CONFIG) private readonly config: HostingConfig,
  ) {}

  @Member({ hosting: 'id' })
  @Get('/hebergements/:id/sites/nouveau')
  async newPage(@CurrentUser() user: AuthUser, @Param('id') id: string, @Res() res: Response) {
    const hosting = await this.access.manageable(user, id);
    const form = { ...formOf(undefined), cle: formKey(''), php: '5', ssl: true, actif: true };
    res.render('vhost-form', await this.model(hosting, null, form));
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/sites')
  async create(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const hosting = await this.access.manageable(user, id);
    const form = formOf(body);
    await submitForm(
      res,
      'vhost-form',
      async () => {
        const done = await this.commands.execute<CreateVhostCommand, VhostCommandResult>(
          new CreateVhostCommand(
            hosting.hostingId,
            { host: form.nom_hote, folder: form.racine, ...settingsOf(form) },
            user.login,
            parseIdempotencyKey(form.cle),
          ),
        );
        return `/hebergements/${hosting.hostingId}?site=${encodeURIComponent(done.host)}#vhosts`;
      },
      (error) => this.model(hosting, null, form, error),
    );
  }

  @Member({ hosting: 'id' })
  @Get('/hebergements/:id/sites/:host')
  async sitePage(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('host') host: string,
    @Res() res: Response,
  ) {
    const hosting = await this.access.manageable(user, id);
    const site = await this.site(hosting, host);
    const form: SiteForm = {
      cle: formKey(''),
      nom_hote: site.host,
      racine: site.folder,
      alias: site.aliases.join(' '),
      php: site.php,
      redirection: site.redirection,
      ssl: site.ssl,
      actif: site.enabled,
    };
    res.render('vhost-form', await this.model(hosting, site, form));
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/sites/:host')
  async change(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('host') host: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const hosting = await this.access.manageable(user, id);
    const site = await this.site(hosting, host);
    const form = formOf(body);
    await submitForm(
      res,
      'vhost-form',
      async () => {
        await this.commands.execute(
          new ChangeVhostCommand(
            hosting.hostingId,
            site.host,
            settingsOf(form),
            user.login,
            parseIdempotencyKey(form.cle),
          ),
        );
        return `/hebergements/${hosting.hostingId}#vhosts`;
      },
      (error) => this.model(hosting, site, form, error),
    );
  }

  @Member({ hosting: 'id' })
  @Get('/hebergements/:id/sites/:host/supprimer')
  async removePage(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('host') host: string,
    @Res() res: Response,
  ) {
    return this.remove(user, id, host, {}, res);
  }

  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/sites/:host/supprimer')
  async remove(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('host') host: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const hosting = await this.access.manageable(user, id);
    const site = await this.site(hosting, host);
    const back = `/hebergements/${hosting.hostingId}#vhosts`;
    const rerender = async (error: DomainError) =>
      this.model(hosting, site, { ...formOf(undefined), cle: formKey('') }, error);
    await confirmThenSubmit(
      res,
      body,
      'vhost-form',
      async () => ({
        heading: `Supprimer le site ${unicodeOf(site.host)} ?`,
        facts: [
          `Le site ${unicodeOf(site.host)} ne sera plus servi${site.aliases.length ? ` (ni ${site.aliases.map(unicodeOf).join(', ')})` : ''}.`,
          site.folder === '/'
            ? 'Son dossier est la racine de l’hébergement : aucun fichier ne sera supprimé.'
            : `Les fichiers du dossier ${site.folder} seront supprimés.`,
        ],
        warning:
          'Une fois les fichiers supprimés, ils ne peuvent être récupérés que depuis une sauvegarde.',
        action: `/hebergements/${hosting.hostingId}/sites/${site.host}/supprimer`,
        fields: { cle: formKey(str(body?.cle)) },
        confirmLabel: 'Supprimer le site',
        cancelHref: `/hebergements/${hosting.hostingId}/sites/${site.host}`,
      }),
      async () => {
        await this.commands.execute(
          new RemoveVhostCommand(
            hosting.hostingId,
            site.host,
            user.login,
            parseIdempotencyKey(str(body?.cle)),
          ),
        );
        return back;
      },
      rerender,
    );
  }

  @Member({ hosting: 'id' })
  @Get('/api/hebergements/:id/sites')
  async listApi(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const hosting = await this.access.manageable(user, id);
    return { sites: await this.pages.sites(hosting.hostingId) };
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/sites')
  @HttpCode(201)
  async createApi(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: unknown) {
    const hosting = await this.access.manageable(user, id);
    const { input, key } = jsonCommand(body);
    return this.commands.execute<CreateVhostCommand, VhostCommandResult>(
      new CreateVhostCommand(
        hosting.hostingId,
        {
          host: typeof input.host === 'string' ? input.host : '',
          folder: typeof input.folder === 'string' ? input.folder : undefined,
          ...apiSettings(input),
        },
        user.login,
        key,
      ),
    );
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/sites/:host')
  async changeApi(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('host') host: string,
    @Body() body: unknown,
  ) {
    const hosting = await this.access.manageable(user, id);
    const { input, key } = jsonCommand(body);
    return this.commands.execute<ChangeVhostCommand, VhostCommandResult>(
      new ChangeVhostCommand(hosting.hostingId, host, apiSettings(input), user.login, key),
    );
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/sites/:host/supprimer')
  async removeApi(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('host') host: string,
    @Body() body: unknown,
  ) {
    const hosting = await this.access.manageable(user, id);
    const { key } = jsonCommand(body ?? {});
    return this.commands.execute<RemoveVhostCommand, VhostCommandResult>(
      new RemoveVhostCommand(hosting.hostingId, host, user.login, key),
    );
  }

  /** One of the hosting's sites, or a French 404. */
  private async site(hosting: LegacyHosting, host: string) {
    const sites = await this.pages.sites(hosting.hostingId);
    const site = sites.find((s) => s.host === host.toLowerCase());
    if (!site) throw notFound(host);
    return site;
  }

  private async model(
    hosting: LegacyHosting,
    site: Awaited<ReturnType<VhostsController['site']>> | null,
    form: SiteForm,
    error?: DomainError,
  ) {
    const domains = await this.pages.domainNames(hosting.hostingId);
    return {
      title: site ? `Site ${unicodeOf(site.host)}` : 'Créer un site web',
      hosting,
      site: site ? { ...site, display: unicodeOf(site.host) } : null,
      action: site
        ? `/hebergements/${hosting.hostingId}/sites/${site.host}`
        : `/hebergements/${hosting.hostingId}/sites`,
      platformDomain: this.config.platformDomain,
      domains: domains.map(unicodeOf),
      phpChoices: PHP_CHOICES.map((value) => ({
        value,
        label: PHP_LABELS[value],
        selected: value === form.php,
      })),
      form,
      ...formErrorModel(error, inputOf),
    };
  }
}

function notFound(host: string) {
  return new DomainError('not_found', `Aucun site ${host} dans cet hébergement.`, 'nom_hote');
}
