import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { DnsRecordInput } from '../../../domain/hosting/dns-records.js';
import { DNS_RECORD_TYPES } from '../../../domain/hosting/dns-records.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { Member } from '../../auth/access.decorators.js';
import type { AuthUser } from '../../auth/auth-user.js';
import { CurrentUser } from '../../auth/request-auth.js';
import { confirmThenSubmit, type Confirmation } from '../../panel/confirmation.js';
import { str, jsonObject } from '../../panel/form-input.js';
import { formErrorModel, submitForm } from '../../panel/form-page.js';
import {
  AddDnsRecordCommand,
  ChangeDnsRecordCommand,
  RemoveDnsRecordCommand,
  type DnsChangeResult,
} from './dns.commands.js';
import { DnsZonePages } from './dns-zone-pages.service.js';

/** The form's inputs (French names) as the domain reads a record. */
const recordInput = (b: Record<string, unknown>): DnsRecordInput => ({
  name: str(b.nom),
  type: str(b.type),
  value: str(b.valeur),
  ttl: str(b.ttl),
  priority: str(b.priorite),
  weight: str(b.poids),
  port: str(b.port),
});

/** The record a change or a removal names: as listed (hidden inputs). */
const keyOf = (b: Record<string, unknown>, prefix = '') => ({
  name: str(b[`${prefix}nom`]),
  type: str(b[`${prefix}type`]),
  data: str(b[`${prefix}valeur`]),
});

/**
 * A domain's DNS zone (issue 18): its records, add/change/remove forms, the zone as served in
 * BIND's format, and the JSON twins. Under the hosting's page: `@Member({ hosting })` lets in
 * staff and the hosting's own cooperator; the domain must be that hosting's.
 */
@Controller()
export class DnsZoneController {
  constructor(
    @Inject(CommandBus) private readonly bus: CommandBus,
    @Inject(DnsZonePages) private readonly pages: DnsZonePages,
  ) {}

  private zone(user: AuthUser, id: string, domain: string) {
    return this.pages.zone(user, id, domain);
  }

  private async model(user: AuthUser, id: string, domain: string, extra: object = {}) {
    const zone = await this.zone(user, id, domain);
    return {
      title: `Zone DNS de ${zone.domain}`,
      ...zone,
      base: `/hebergements/${id}/domaines/${zone.domain}/dns`,
      types: DNS_RECORD_TYPES,
      form: { ttl: '3600' },
      error: null,
      errorOn: {},
      ...extra,
    };
  }

  /** The form again with the refusal: its French message, the input at fault, what was typed. */
  private refusedForm(user: AuthUser, id: string, domain: string, body: Record<string, unknown>) {
    return async (error: DomainError) =>
      this.model(user, id, domain, {
        form: body,
        ...formErrorModel(error, (f) => f),
      });
  }

  @Member({ hosting: 'id' })
  @Get('/hebergements/:id/domaines/:domaine/dns')
  async page(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('domaine') domain: string,
    @Query('fait') done: string | undefined,
    @Res() res: Response,
  ) {
    res.render('dns-zone', await this.model(user, id, domain, { done: done === '1' }));
  }

  @Member({ hosting: 'id' })
  @Get('/api/hebergements/:id/domaines/:domaine/dns')
  async data(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('domaine') domain: string,
  ) {
    const z = await this.zone(user, id, domain);
    return {
      domain: z.domain,
      origin: z.origin,
      serial: z.serial,
      served: z.served,
      mxManaged: z.mxManaged,
      records: z.records.map(({ name, type, data, aux, ttl }) => ({ name, type, data, aux, ttl })),
      zone: z.bind,
    };
  }

  /** The command an action names (`ajouter`, `modifier`, `supprimer`), run with the form's inputs. */
  private run(action: string, user: AuthUser, domain: string, body: Record<string, unknown>) {
    const commands: Record<string, () => object> = {
      ajouter: () => new AddDnsRecordCommand(user, domain, recordInput(body)),
      modifier: () =>
        new ChangeDnsRecordCommand(user, domain, keyOf(body, 'ancien_'), recordInput(body)),
      supprimer: () => new RemoveDnsRecordCommand(user, domain, keyOf(body)),
    };
    if (!Object.hasOwn(commands, action))
      throw new DomainError('not_found', 'Page introuvable.', 'action');
    return this.bus.execute<object, DnsChangeResult>(commands[action]!());
  }

  /** What removing a record will do, for the confirmation page. */
  private removal(zone: { domain: string }, base: string, body: Record<string, unknown>) {
    const key = keyOf(body);
    const owner = key.name === '@' || key.name === '' ? zone.domain : key.name;
    return async (): Promise<Confirmation> => ({
      heading: 'Supprimer cet enregistrement DNS ?',
      facts: [
        `L’enregistrement ${key.type} ${owner} → ${key.data} sera retiré de la zone ${zone.domain}.`,
        'Le changement est appliqué sous une minute ; les résolveurs peuvent garder l’ancienne réponse le temps de sa durée de vie (TTL).',
      ],
      warning: 'Un service qui s’appuie sur cet enregistrement cessera d’être trouvé.',
      action: `${base}/supprimer`,
      fields: { nom: key.name, type: key.type, valeur: key.data },
      confirmLabel: 'Supprimer l’enregistrement',
      cancelHref: base,
    });
  }

  /** Adding, changing, or (after its confirmation page) removing a record, from the page. */
  @Member({ hosting: 'id' })
  @Post('/hebergements/:id/domaines/:domaine/dns/:action')
  async form(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('domaine') domain: string,
    @Param('action') action: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const zone = await this.zone(user, id, domain);
    const base = `/hebergements/${id}/domaines/${zone.domain}/dns`;
    const act = async () => {
      await this.run(action, user, zone.domain, body);
      return `${base}?fait=1`;
    };
    const again = this.refusedForm(user, id, domain, action === 'supprimer' ? {} : body);
    if (action === 'supprimer')
      await confirmThenSubmit(res, body, 'dns-zone', this.removal(zone, base, body), act, again);
    else await submitForm(res, 'dns-zone', act, again);
  }

  @Member({ hosting: 'id' })
  @Post('/api/hebergements/:id/domaines/:domaine/dns/:action')
  async api(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('domaine') domain: string,
    @Param('action') action: string,
    @Body() body: unknown,
  ) {
    const zone = await this.zone(user, id, domain);
    await this.run(action, user, zone.domain, jsonObject(body));
    return this.data(user, id, domain);
  }
}
