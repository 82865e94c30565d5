import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { parseFtpLogin } from '../../../domain/hosting/ftp-accounts.js';
import type { FtpAccountKind } from '../../../domain/hosting/ftp-events.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { hostingByName } from '../../../legacy-sync/legacy-hosting-inventory.js';
import { LegacyHostingMirror } from '../../../legacy-sync/legacy-hosting-mirror.js';
import { Db } from '../../kernel/database/db.js';
import { hostingNameHolder } from '../../kernel/hosting-names.js';
import { FtpAccountCommand, type FtpAccountResult } from './ftp-accounts.handler.js';

export interface FtpCliOptions {
  hosting?: string;
  kind?: string;
  login?: string;
  path?: string;
  password?: string;
  key?: string;
}

const KINDS: readonly FtpAccountKind[] = ['master', 'vhost', 'supplementary'];

function required(value: string | undefined, option: string): string {
  if (value === undefined || value === '')
    throw new DomainError('invalid_input', `--${option} est obligatoire.`, option);
  return value;
}

/**
 * `ftp:create --hosting <nom> --kind supplementary --login <login> --path <relative> --password <p>`:
 * the account is live once the mirror has written Gloux's row (seconds).
 */
export async function ftpCreateCli(
  app: INestApplicationContext,
  o: FtpCliOptions,
): Promise<number> {
  const name = required(o.hosting, 'hosting');
  const kind = (o.kind ?? 'supplementary') as FtpAccountKind;
  if (!KINDS.includes(kind))
    throw new DomainError(
      'invalid_input',
      `--kind : ${KINDS.join(', ')} (reçu « ${kind} »).`,
      'kind',
    );
  const hosting = await app.get(Db).run((q) => hostingByName(q, name));
  if (!hosting) throw new DomainError('not_found', `Hébergement ${name} introuvable.`, 'hosting');
  const result = await app.get(CommandBus).execute<FtpAccountCommand, FtpAccountResult>(
    new FtpAccountCommand(
      hosting.hostingId,
      {
        action: 'create',
        kind,
        login: required(o.login, 'login'),
        path: o.path ?? '',
        password: required(o.password, 'password'),
      },
      'cli',
      o.key,
    ),
  );
  // Written into Gloux's ftp table before the process ends: the account is live on return.
  await app.get(LegacyHostingMirror).catchUp();
  console.log(`Compte FTP ${result.login} créé sur l’hébergement ${hosting.name}.`);
  return 0;
}

/** `ftp:password --login <login> --password <p>`: the hosting is the one holding the login. */
export async function ftpPasswordCli(
  app: INestApplicationContext,
  o: FtpCliOptions,
): Promise<number> {
  const login = parseFtpLogin(required(o.login, 'login'));
  const holder = await app.get(Db).run((q) => hostingNameHolder(q, 'ftp_login', login));
  const hostingId = holder?.startsWith('hosting-') ? Number(holder.slice('hosting-'.length)) : NaN;
  if (!Number.isInteger(hostingId))
    throw new DomainError(
      'not_found',
      `Aucun compte FTP ${login} n’a été créé par le panel.`,
      'login',
    );
  await app
    .get(CommandBus)
    .execute<FtpAccountCommand, FtpAccountResult>(
      new FtpAccountCommand(
        hostingId,
        { action: 'password', login, password: required(o.password, 'password') },
        'cli',
        o.key,
      ),
    );
  await app.get(LegacyHostingMirror).catchUp();
  console.log(`Mot de passe du compte FTP ${login} changé.`);
  return 0;
}
