import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/shared/errors.js';
import { hostingByName } from '../../../legacy-sync/legacy-hosting-inventory.js';
import { LegacyHostingMirror } from '../../../legacy-sync/legacy-hosting-mirror.js';
import { Db } from '../../kernel/database/db.js';
import {
  CreateVhostCommand,
  RemoveVhostCommand,
  type VhostCommandResult,
} from './vhost.commands.js';

export interface VhostCliOptions {
  readonly hosting?: string;
  readonly host?: string;
  readonly folder?: string;
  readonly aliases?: string;
  readonly php?: string;
  readonly key?: string;
}

const required = (value: string | undefined, option: string, label: string): string => {
  if (!value) throw new DomainError('invalid_input', `--${option} est requis (${label}).`, option);
  return value;
};

/** Writes the command's rows into Gloux's tables now, so the CLI's effect is live when it exits. */
const mirrorNow = (app: INestApplicationContext) => app.get(LegacyHostingMirror).catchUp();

/** `vhost:create --hosting <nom> --host <fqdn> [--folder /x] [--aliases "a b"] [--php 5]`. */
export async function vhostCreateCli(
  app: INestApplicationContext,
  o: VhostCliOptions,
): Promise<number> {
  const name = required(o.hosting, 'hosting', 'le nom de l’hébergement');
  const host = required(o.host, 'host', 'le nom du site');
  const hosting = await app.get(Db).run((q) => hostingByName(q, name));
  if (!hosting) throw new DomainError('not_found', `Hébergement ${name} introuvable.`, 'hosting');
  const done = await app
    .get(CommandBus)
    .execute<CreateVhostCommand, VhostCommandResult>(
      new CreateVhostCommand(
        hosting.hostingId,
        { host, folder: o.folder, aliases: o.aliases, php: o.php },
        'cli',
        o.key,
      ),
    );
  await mirrorNow(app);
  console.log(`Site ${done.host} créé sur l’hébergement ${hosting.name}.`);
  return 0;
}

/** `vhost:delete --host <fqdn>`: the hosting is the one Gloux's `vhosts` row names. */
export async function vhostDeleteCli(
  app: INestApplicationContext,
  o: VhostCliOptions,
): Promise<number> {
  const host = required(o.host, 'host', 'le nom du site').trim().toLowerCase();
  const [row] = await app
    .get(Db)
    .run((q) =>
      q.query<{ id_hebergement: number | string }>(
        'SELECT id_hebergement FROM vhosts WHERE nom_hote = ?',
        [host],
      ),
    );
  if (!row) throw new DomainError('not_found', `Aucun site ${host}.`, 'host');
  const done = await app
    .get(CommandBus)
    .execute<RemoveVhostCommand, VhostCommandResult>(
      new RemoveVhostCommand(Number(row.id_hebergement), host, 'cli', o.key),
    );
  await mirrorNow(app);
  console.log(`Site ${done.host} supprimé ; la suppression de ses fichiers est en file.`);
  return 0;
}
