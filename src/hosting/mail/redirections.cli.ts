import { domainToASCII } from 'node:url';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  domainOfAddress,
  isCatchAll,
  parseRedirectionSource,
} from '../../../domain/hosting/redirections.js';
import { DomainError, type FieldError } from '../../../domain/shared/errors.js';
import { domainByName, hostingByName } from '../../../legacy-sync/legacy-hosting-inventory.js';
import { LegacyHostingMirror } from '../../../legacy-sync/legacy-hosting-mirror.js';
import { Db } from '../../kernel/database/db.js';
import {
  loadRedirections,
  RedirectionCommand,
  type RedirectionAction,
  type RedirectionResult,
} from './redirections.handler.js';

/** The redirection commands from the command line (src/cli.ts parses and dispatches). */
export interface RedirectionCliOptions {
  hosting?: string;
  source?: string;
  to?: string;
  'keep-copy'?: boolean;
  key?: string;
}

const OPTION_OF: Readonly<Record<string, string>> = {
  source: 'source',
  destinations: 'to',
  garder_copie: 'keep-copy',
  hebergement: 'hosting',
};

/** Every error of a refusal on stderr, `--option : message`, exit 1 (nothing was written). */
async function refusedOnStderr(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const listed = (error.details?.errors as FieldError[] | undefined) ?? [
      { field: error.field ?? '', message: error.message },
    ];
    for (const e of listed)
      console.error(e.field ? `--${OPTION_OF[e.field] ?? e.field} : ${e.message}` : e.message);
    return 1;
  }
}

async function hostingNamed(app: INestApplicationContext, name: string | undefined) {
  if (!name)
    throw new DomainError('invalid_input', 'Indiquez l’hébergement (--hosting <nom>).', 'hosting');
  const hosting = await app.get(Db).run((q) => hostingByName(q, name));
  if (!hosting)
    throw new DomainError('not_found', `L’hébergement ${name} n’existe pas.`, 'hebergement');
  return hosting;
}

async function run(app: INestApplicationContext, command: RedirectionCommand) {
  const done = await app.get(CommandBus).execute<RedirectionCommand, RedirectionResult>(command);
  // Written into Gloux's mails_redirections before the process ends: live on return.
  await app.get(LegacyHostingMirror).drain();
  for (const warning of done.warnings) console.error(`Attention : ${warning}`);
  return done;
}

/**
 * `redirection:create --hosting <nom> --source <a@d|@d> --to <x@y,...> [--keep-copy]`: live on
 * return. A second redirection of a source is refused (Gloux reads one per source): delete it
 * first, or change it in the panel.
 */
export function redirectionCreateCli(
  app: INestApplicationContext,
  o: RedirectionCliOptions,
): Promise<number> {
  return refusedOnStderr(async () => {
    const hosting = await hostingNamed(app, o.hosting);
    const input: RedirectionAction = {
      action: 'create',
      source: o.source ?? '',
      destinations: o.to ?? '',
      keepCopy: o['keep-copy'] === true,
    };
    const done = await run(app, new RedirectionCommand(hosting.hostingId, input, 'cli', o.key));
    console.log(`Redirection de ${done.source} créée sur l’hébergement ${hosting.name}.`);
    return 0;
  });
}

/** `redirection:delete --source <a@d|@d>`: the hosting is the one holding the source's domain. */
export function redirectionDeleteCli(
  app: INestApplicationContext,
  o: RedirectionCliOptions,
): Promise<number> {
  return refusedOnStderr(async () => {
    const source = parseRedirectionSource(o.source ?? '', (d) => domainToASCII(d));
    const domain = await app.get(Db).run((q) => domainByName(q, domainOfAddress(source)));
    if (!domain)
      throw new DomainError(
        'not_found',
        `Le domaine ${domainOfAddress(source)} n’est sur aucun hébergement.`,
        'source',
      );
    const done = await run(
      app,
      new RedirectionCommand(domain.hostingId, { action: 'remove', source }, 'cli', o.key),
    );
    console.log(`Redirection de ${done.source} supprimée.`);
    return 0;
  });
}

/** `redirection:list --hosting <nom>`: one line per source, tab-separated (source, copy, list). */
export function redirectionListCli(
  app: INestApplicationContext,
  o: RedirectionCliOptions,
): Promise<number> {
  return refusedOnStderr(async () => {
    const hosting = await hostingNamed(app, o.hosting);
    const { state } = await app
      .get(Db)
      .transaction((tx) => loadRedirections(tx, hosting.hostingId));
    for (const r of [...state.redirections.values()].sort((a, b) =>
      a.source.localeCompare(b.source),
    ))
      console.log(
        [
          r.source,
          isCatchAll(r.source) ? 'tout-le-domaine' : r.keepCopy ? 'copie' : 'sans-copie',
          r.destinations.join(','),
          r.active ? '' : 'desactivee',
        ]
          .join('\t')
          .trimEnd(),
      );
    return 0;
  });
}
