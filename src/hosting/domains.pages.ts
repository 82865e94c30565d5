import { Inject, Injectable } from '@nestjs/common';
import { domainUsersText } from '../../domain/hosting/domains.js';
import { DomainError } from '../../domain/shared/errors.js';
import {
  domainByName,
  usersOfDomain,
  type LegacyHosting,
} from '../../legacy-sync/legacy-hosting-inventory.js';
import { Db } from '../kernel/database/db.js';
import type { Confirmation } from '../panel/confirmation.js';
import { asciiDomain } from './domains.handlers.js';
import { unicodeOf } from './hosting-domains.section.js';

/** What the removal's confirmation page says, read from Gloux's rows. */
@Injectable()
export class DomainPages {
  constructor(@Inject(Db) private readonly db: Db) {}

  /**
   * The confirmation of a domain's removal: its zone goes with it. A domain that is not the
   * hosting's, or that something still uses, is refused here already (the list of users).
   */
  async removalConfirmation(
    hosting: LegacyHosting,
    raw: string,
    cle: string,
  ): Promise<Confirmation> {
    const domain = asciiDomain(raw);
    const row = await this.db.run((q) => domainByName(q, domain));
    if (!row || row.hostingId !== hosting.hostingId)
      throw new DomainError(
        'not_found',
        `Le domaine ${domain} n’est pas sur cet hébergement.`,
        'domaine',
      );
    const users = domainUsersText(await this.db.run((q) => usersOfDomain(q, row)));
    if (users.length > 0)
      throw new DomainError(
        'in_use',
        `Le domaine ${unicodeOf(domain)} est encore utilisé par ${users.join(' et ')} : supprimez-les d’abord.`,
        'domaine',
      );
    const shown = unicodeOf(domain);
    return {
      heading: `Retirer le domaine ${shown} ?`,
      facts: [
        `Le domaine ${shown} est retiré de l’hébergement ${hosting.name}.`,
        row.soaId
          ? `Sa zone DNS (tous ses enregistrements) est supprimée : le domaine ne répondra plus chez Ouvaton, sous une minute.`
          : `Son DNS n’était pas géré par Ouvaton : rien d’autre ne change.`,
      ],
      warning: 'Les enregistrements DNS supprimés ne pourront pas être retrouvés.',
      action: `/hebergements/${hosting.hostingId}/domaines/suppression`,
      fields: { domaine: domain, cle },
      confirmLabel: 'Retirer le domaine',
      cancelHref: `/hebergements/${hosting.hostingId}`,
    };
  }
}
