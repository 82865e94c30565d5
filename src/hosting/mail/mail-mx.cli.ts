import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/shared/errors.js';
import { domainByName } from '../../../legacy-sync/legacy-hosting-inventory.js';
import { LegacyHostingMirror } from '../../../legacy-sync/legacy-hosting-mirror.js';
import { Db } from '../../kernel/database/db.js';
import { asciiDomain } from '../domains.handlers.js';
import { mailDomainsOf, SetDomainMailCommand, type DomainMailResult } from './mail-mx.js';

/** `domain:mail` (src/cli.ts parses and dispatches). */
export interface MailMxCliOptions {
  domain?: string;
  hosted?: string;
  key?: string;
}

/**
 * `domain:mail --domain <name> [--hosted oui|non]`: where the domain's mail goes; with
 * `--hosted`, its mail hosted at Ouvaton (MX written) or no longer (Ouvaton's MX removed, once
 * no address is left), written into Gloux's tables before the exit.
 */
export async function domainMailCli(
  app: INestApplicationContext,
  options: MailMxCliOptions,
): Promise<number> {
  if (!options.domain)
    throw new DomainError('invalid_input', 'Indiquez le domaine (--domain <nom>).', 'domaine');
  const domain = asciiDomain(options.domain);
  const db = app.get(Db);
  const row = await db.run((q) => domainByName(q, domain));
  if (!row)
    throw new DomainError('not_found', `Le domaine ${options.domain} n’existe pas.`, 'domaine');
  if (options.hosted !== undefined) {
    if (options.hosted !== 'oui' && options.hosted !== 'non')
      throw new DomainError('invalid_input', '--hosted : oui ou non.', 'hosted');
    await app
      .get(CommandBus)
      .execute<SetDomainMailCommand, DomainMailResult>(
        new SetDomainMailCommand(
          row.hostingId,
          domain,
          options.hosted === 'oui',
          'cli',
          options.key,
        ),
      );
    await app.get(LegacyHostingMirror).drain();
  }
  const views = await db.transaction((tx) => mailDomainsOf(tx, row.hostingId));
  const view = views.find((v) => v.domain === domain)!;
  console.log(view.sentence);
  if (view.addresses.length > 0) console.log(`Adresses : ${view.addresses.join(', ')}.`);
  return 0;
}
