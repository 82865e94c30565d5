import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { formatDayFr } from '../../../domain/shared/day.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { mailboxOverageText } from '../../../domain/hosting/mailboxes.js';
import { hostingByName } from '../../../legacy-sync/legacy-hosting-inventory.js';
import { LegacyHostingMirror } from '../../../legacy-sync/legacy-hosting-mirror.js';
import { Db } from '../../kernel/database/db.js';
import {
  hostingOfAddress,
  loadMailboxes,
  MailboxCommand,
  parseTypedAddress,
  type MailboxAction,
  type MailboxResult,
} from './mailboxes.handler.js';

export interface MailboxCliOptions {
  hosting?: string;
  address?: string;
  password?: string;
  'quota-mb'?: string;
  key?: string;
}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value === '')
    throw new DomainError('invalid_input', `--${option} est obligatoire.`, option);
  return value;
}

async function hostingNamed(app: INestApplicationContext, name: string) {
  const hosting = await app.get(Db).run((q) => hostingByName(q, name));
  if (!hosting) throw new DomainError('not_found', `Hébergement ${name} introuvable.`, 'hosting');
  return hosting;
}

/** Runs one command, then writes Gloux's rows before the process ends (live on return). */
async function run(
  app: INestApplicationContext,
  hostingId: number,
  action: MailboxAction,
  key: string | undefined,
): Promise<MailboxResult> {
  const result = await app
    .get(CommandBus)
    .execute<MailboxCommand, MailboxResult>(new MailboxCommand(hostingId, action, 'cli', key));
  await app.get(LegacyHostingMirror).catchUp();
  if (result.notice) console.log(result.notice);
  return result;
}

/**
 * A command on an existing box named by `--address` (its hosting: gloux2's claim, or Gloux's
 * `mails` row), then the line saying what was done.
 */
async function onBox(
  app: INestApplicationContext,
  o: MailboxCliOptions,
  action: (address: string) => MailboxAction,
  done: (result: MailboxResult) => string,
): Promise<number> {
  const typed = required(o.address, 'address');
  const { address } = parseTypedAddress(typed);
  const hostingId = await app.get(Db).run((q) => hostingOfAddress(q, address));
  if (hostingId === null)
    throw new DomainError('not_found', `Aucune boîte ${address} à Ouvaton.`, 'address');
  console.log(done(await run(app, hostingId, action(typed), o.key)));
  return 0;
}

/** `mailbox:create --hosting <nom> --address <a@d> --password <p> [--quota-mb N]`. */
export async function mailboxCreateCli(
  app: INestApplicationContext,
  o: MailboxCliOptions,
): Promise<number> {
  const hosting = await hostingNamed(app, required(o.hosting, 'hosting'));
  const result = await run(
    app,
    hosting.hostingId,
    {
      action: 'create',
      address: required(o.address, 'address'),
      password: required(o.password, 'password'),
      quotaMb: o['quota-mb'],
    },
    o.key,
  );
  console.log(`Boîte ${result.address} créée sur l’hébergement ${hosting.name}.`);
  if (result.overage) console.log(mailboxOverageText(result.overage));
  return 0;
}

/** `mailbox:password --address <a@d> --password <p>`. */
export const mailboxPasswordCli = (app: INestApplicationContext, o: MailboxCliOptions) =>
  onBox(
    app,
    o,
    (address) => ({ action: 'password', address, password: required(o.password, 'password') }),
    (r) => `Mot de passe de la boîte ${r.address} changé.`,
  );

/** `mailbox:delete --address <a@d>`: deferred (logins and delivery stop now, purge later). */
export const mailboxDeleteCli = (app: INestApplicationContext, o: MailboxCliOptions) =>
  onBox(
    app,
    o,
    (address) => ({ action: 'delete', address }),
    (r) =>
      `Boîte ${r.address} fermée : ses messages sont gardés jusqu’à la purge du ${formatDayFr(r.purgeAfter!)} (mailbox:restore l’annule d’ici là).`,
  );

/** `mailbox:restore --address <a@d>`: cancels a pending deletion. */
export const mailboxRestoreCli = (app: INestApplicationContext, o: MailboxCliOptions) =>
  onBox(
    app,
    o,
    (address) => ({ action: 'restore', address }),
    (r) => `Suppression de la boîte ${r.address} annulée : elle fonctionne à nouveau.`,
  );

const STATUS_TEXT = {
  active: 'active',
  disabled: 'désactivée dans Gloux',
  purging: 'purge en cours',
} as const;

/** `mailbox:list --hosting <nom>`: one line per box, tab-separated. */
export async function mailboxListCli(
  app: INestApplicationContext,
  o: MailboxCliOptions,
): Promise<number> {
  const hosting = await hostingNamed(app, required(o.hosting, 'hosting'));
  const { state } = await app.get(Db).transaction((tx) => loadMailboxes(tx, hosting.hostingId));
  for (const box of [...state.boxes.values()].sort((a, b) => a.address.localeCompare(b.address))) {
    const status =
      box.status === 'deletion_pending'
        ? `suppression le ${formatDayFr(box.purgeAfter!)}`
        : STATUS_TEXT[box.status];
    const access = [box.pop ? 'POP' : '', box.imap ? 'IMAP' : ''].filter(Boolean).join('+') || '-';
    console.log([box.address, `${box.quotaMb} Mo`, access, status].join('\t'));
  }
  return 0;
}
