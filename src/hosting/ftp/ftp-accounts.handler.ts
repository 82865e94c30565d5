import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideChangeFtpPassword,
  decideChangeFtpRoot,
  decideCreateFtpAccount,
  decideRemoveFtpAccount,
  foldFtpAccounts,
  parseFtpLogin,
  type FtpAccount,
  type FtpAccountsState,
  type FtpHostingFacts,
} from '../../../domain/hosting/ftp-accounts.js';
import {
  isFtpEvent,
  type FtpAccountKind,
  type FtpEvent,
} from '../../../domain/hosting/ftp-events.js';
import { hostingStream } from '../../../domain/hosting/events.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { keepFtpHash } from '../../../legacy-sync/legacy-ftp.js';
import {
  hostingById,
  nameTakenInGloux,
  type LegacyHosting,
} from '../../../legacy-sync/legacy-hosting-inventory.js';
import { Clock } from '../../kernel/clock.js';
import type { Queryable } from '../../kernel/database/db.js';
import { CommandPipeline } from '../../kernel/event-store/command-pipeline.js';
import { readStream } from '../../kernel/event-store/event-store.js';
import { claimHostingName, releaseHostingName } from '../../kernel/hosting-names.js';
import { sha256Crypt } from '../crypt.js';

/**
 * The FTP account commands on `hosting-<id>` (issue 18): CreateFtpAccount, ChangeFtpPassword,
 * ChangeFtpRoot, RemoveFtpAccount. The caller has checked the user may manage the hosting
 * (HostingAccess). A new login is checked against Gloux's `ftp` table and claimed in
 * `g2_hosting_names` in the command's transaction; a password's `$5$` hash waits in
 * `g2_hosting_secrets` for the mirror, never in the event.
 */
export type FtpAction =
  | {
      readonly action: 'create';
      readonly kind: FtpAccountKind;
      readonly login: string;
      readonly path: string;
      readonly vhostId?: string | null;
      readonly password: string;
    }
  | { readonly action: 'password'; readonly login: string; readonly password: string }
  | { readonly action: 'root'; readonly login: string; readonly path: string }
  | { readonly action: 'remove'; readonly login: string };

export class FtpAccountCommand {
  constructor(
    readonly hostingId: number,
    readonly input: FtpAction,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface FtpAccountResult {
  readonly accountId: string;
  readonly login: string;
}

/** The hosting's FTP accounts from its stream, and the stream's version. */
export async function loadFtpAccounts(
  q: Queryable,
  hostingId: number,
): Promise<{ state: FtpAccountsState; version: number }> {
  const history = await readStream(q, hostingStream(hostingId));
  const events = history
    .filter(isFtpEvent)
    .map((e) => ({ type: e.type, data: e.data }) as FtpEvent);
  return { state: foldFtpAccounts(events), version: history.length - 1 };
}

export function factsOf(hosting: LegacyHosting): FtpHostingFacts {
  // An empty or relative root would put an account anywhere (the daemon's guard refuses it too).
  if (!/^\/[^\0]*[^/]$/.test(hosting.directory))
    throw new DomainError(
      'invalid_input',
      `L’hébergement ${hosting.name} n’a pas de dossier racine dans Gloux : le support doit le renseigner.`,
      'hebergement',
    );
  return {
    hostingId: hosting.hostingId,
    name: hosting.name,
    root: hosting.directory,
    closed: hosting.state === 'ferme',
  };
}

function accountByLogin(state: FtpAccountsState, login: string): FtpAccount {
  const account = Object.values(state.accounts).find((a) => a.login === login);
  if (!account)
    throw new DomainError(
      'not_found',
      `Aucun compte FTP ${login} n’a été créé par le panel sur cet hébergement.`,
      'login',
    );
  return account;
}

@CommandHandler(FtpAccountCommand)
export class FtpAccountHandler implements ICommandHandler<FtpAccountCommand, FtpAccountResult> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: FtpAccountCommand): Promise<FtpAccountResult> {
    const now = this.clock.now();
    const input = command.input;
    const streamId = hostingStream(command.hostingId);
    // Hashed outside the transaction (5000 rounds of SHA-256): only the hash goes further.
    const hash = 'password' in input ? sha256Crypt(input.password) : null;
    const accountId = randomUUID();
    const outcome = await this.pipeline.execute<FtpAccountResult>({
      commandType: `FtpAccount.${input.action}`,
      actor: command.actor,
      now,
      idempotencyKey: command.idempotencyKey,
      // Never the password: the request is kept to compare a reused idempotency key.
      request: {
        hostingId: command.hostingId,
        ...input,
        password: hash === null ? undefined : '*',
      },
      decide: async (tx) => {
        const hosting = await hostingById(tx, String(command.hostingId));
        if (!hosting) throw new DomainError('not_found', 'Hébergement introuvable.', 'hebergement');
        const facts = factsOf(hosting);
        const { state, version } = await loadFtpAccounts(tx, command.hostingId);
        const context = { hosting: facts, actor: command.actor };
        const append = (events: readonly FtpEvent[], result: FtpAccountResult) => ({
          appends: events.length
            ? [{ streamId, expectedVersion: version, events: [...events] }]
            : [],
          result,
        });
        if (input.action === 'create') {
          const login = parseFtpLogin(input.login);
          const events = decideCreateFtpAccount(state, input, {
            ...context,
            accountId,
            loginTaken: (await nameTakenInGloux(tx, 'ftp_login', login)) !== null,
          });
          await claimHostingName(tx, {
            kind: 'ftp_login',
            name: login,
            streamId,
            at: now,
            field: 'login',
          });
          await keepFtpHash(tx, accountId, hash!, now);
          return append(events, { accountId, login });
        }
        const account = accountByLogin(state, parseFtpLogin(input.login));
        const { accountId: id, login } = account;
        switch (input.action) {
          case 'password':
            await keepFtpHash(tx, id, hash!, now);
            return append(
              decideChangeFtpPassword(state, { accountId: id, password: input.password }, context),
              { accountId: id, login },
            );
          case 'root':
            return append(
              decideChangeFtpRoot(state, { accountId: id, path: input.path }, context),
              {
                accountId: id,
                login,
              },
            );
          case 'remove':
            await releaseHostingName(tx, 'ftp_login', login, streamId);
            return append(
              decideRemoveFtpAccount(state, { accountId: id, reason: 'requested' }, context),
              { accountId: id, login },
            );
          default: {
            const never: never = input;
            return never;
          }
        }
      },
    });
    return outcome.result;
  }
}
