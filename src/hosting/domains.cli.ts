import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '../../domain/shared/errors.js';
import { domainByName, hostingByName } from '../../legacy-sync/legacy-hosting-inventory.js';
import { LegacyHostingMirror } from '../../legacy-sync/legacy-hosting-mirror.js';
import { Db } from '../kernel/database/db.js';
import {
  AddDomainCommand,
  RemoveDomainCommand,
  type DomainCommandResult,
} from './domains.commands.js';

/** The domain commands from the command line (src/cli.ts parses and dispatches). */
export interface DomainCliOptions {
  hosting?: string;
  domain?: string;
  'no-dns'?: boolean;
  'no-mx'?: boolean;
  key?: string;
}

async function hostingOf(app: INestApplicationContext, options: DomainCliOptions) {
  if (!options.hosting || !options.domain)
    throw new DomainError(
      'invalid_input',
      'Indiquez l’hébergement (--hosting <nom>) et le domaine (--domain <nom>).',
      options.hosting ? 'domaine' : 'hebergement',
    );
  const hosting = await app.get(Db).run((q) => hostingByName(q, options.hosting!));
  if (!hosting)
    throw new DomainError(
      'not_found',
      `L’hébergement ${options.hosting} n’existe pas.`,
      'hebergement',
    );
  return hosting;
}

/** `domain:add`: the domain recorded, then written into Gloux's tables before the exit. */
export async function domainAddCli(
  app: INestApplicationContext,
  options: DomainCliOptions,
): Promise<number> {
  const hosting = await hostingOf(app, options);
  const done = await app.get(CommandBus).execute<AddDomainCommand, DomainCommandResult>(
    new AddDomainCommand(
      hosting.hostingId,
      {
        domain: options.domain!,
        manageDns: !options['no-dns'],
        manageMx: !options['no-mx'],
      },
      'cli',
      options.key,
    ),
  );
  await app.get(LegacyHostingMirror).drain();
  const row = await app.get(Db).run((q) => domainByName(q, done.domain));
  const shown = done.display === done.domain ? done.domain : `${done.display} (${done.domain})`;
  console.log(
    `Domaine ${shown} ajouté à l’hébergement ${hosting.name}${row?.soaId ? ` ; zone DNS n° ${row.soaId}` : ''}.`,
  );
  return 0;
}

/** `domain:remove`: refused while a web space or a mailbox uses the domain. */
export async function domainRemoveCli(
  app: INestApplicationContext,
  options: DomainCliOptions,
): Promise<number> {
  const hosting = await hostingOf(app, options);
  const done = await app
    .get(CommandBus)
    .execute<RemoveDomainCommand, DomainCommandResult>(
      new RemoveDomainCommand(hosting.hostingId, options.domain!, 'cli', options.key),
    );
  await app.get(LegacyHostingMirror).drain();
  console.log(`Domaine ${done.display} retiré de l’hébergement ${hosting.name}.`);
  return 0;
}
