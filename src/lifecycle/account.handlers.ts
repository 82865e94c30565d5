import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideAfterPayment,
  decideConvertByAdmin,
  decideDaily,
  decideOpenAccount,
  type AccountState,
} from '../../domain/accounts/account.js';
import { decideDunning, foldDunning } from '../../domain/accounts/dunning.js';
import {
  accountStream,
  dunningStream,
  type AccountEvent,
  type DunningEvent,
} from '../../domain/accounts/events.js';
import { DomainError } from '../../domain/shared/errors.js';
import { Clock } from '../kernel/clock.js';
import { Db, type Queryable } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { readStream } from '../kernel/event-store/event-store.js';
import { LIFECYCLE_CONFIG, type LifecycleConfig } from '../kernel/config.js';
import { AccountLifecycle } from './account-lifecycle.js';
import {
  ConvertAccountCommand,
  OpenAccountCommand,
  ReactAfterPaymentCommand,
  ReviewAccountCommand,
  SendDunningCommand,
  type AccountCommandResult,
  type SendDunningResult,
} from './account.commands.js';

/**
 * Records `decide`'s events on the account's stream, first taking in what Gloux did (a separate
 * command with source 'gloux', so neither the mirror nor the e-mails act on it again).
 * Returns the events recorded by the decision.
 */
async function recordOnAccount(
  pipeline: CommandPipeline,
  accounts: AccountLifecycle,
  clock: Clock,
  options: {
    accountId: string;
    commandType: string;
    actor: string;
    idempotencyKey?: string;
    request: unknown;
    decide: (state: AccountState) => readonly AccountEvent[];
    /** False: the stream alone, Gloux's row of the same id not taken in (an account gloux2 opens). */
    adopt?: boolean;
  },
): Promise<AccountEvent[]> {
  const adopt = options.adopt ?? true;
  if (adopt) await accounts.adopt(options.accountId);
  const outcome = await pipeline.execute({
    commandType: options.commandType,
    actor: options.actor,
    now: clock.now(),
    idempotencyKey: options.idempotencyKey,
    request: options.request,
    decide: async (tx) => {
      const loaded = await accounts.load(tx, options.accountId, adopt ? undefined : null);
      const events = options.decide(loaded.state);
      return {
        appends: [
          { streamId: accountStream(options.accountId), expectedVersion: loaded.version, events },
        ],
        result: events.map((e) => e.type),
      };
    },
  });
  return outcome.events.map((e) => ({ type: e.type, data: e.data }) as AccountEvent);
}

@CommandHandler(ReviewAccountCommand)
export class ReviewAccountHandler implements ICommandHandler<
  ReviewAccountCommand,
  AccountCommandResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(AccountLifecycle) private readonly accounts: AccountLifecycle,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(LIFECYCLE_CONFIG) private readonly config: LifecycleConfig,
  ) {}

  execute({ accountId, on, invoices }: ReviewAccountCommand): Promise<AccountCommandResult> {
    const context = { invoices, rules: this.config.rules };
    return recordOnAccount(this.pipeline, this.accounts, this.clock, {
      accountId,
      commandType: 'LifecycleDaily',
      actor: 'lifecycle-job',
      request: { accountId, on },
      decide: (state) => decideDaily(state, { on }, context),
    });
  }
}

@CommandHandler(ReactAfterPaymentCommand)
export class ReactAfterPaymentHandler implements ICommandHandler<
  ReactAfterPaymentCommand,
  AccountCommandResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(AccountLifecycle) private readonly accounts: AccountLifecycle,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(LIFECYCLE_CONFIG) private readonly config: LifecycleConfig,
  ) {}

  execute(command: ReactAfterPaymentCommand): Promise<AccountCommandResult> {
    const { accountId, customerId, paidInvoice, on } = command;
    const context = { invoices: command.invoices, rules: this.config.rules };
    return recordOnAccount(this.pipeline, this.accounts, this.clock, {
      accountId,
      commandType: 'ReactAfterPayment',
      actor: 'lifecycle',
      idempotencyKey: command.idempotencyKey,
      request: { customerId, paidInvoice, on },
      decide: (state) => decideAfterPayment(state, { paidInvoice, on }, context),
    });
  }
}

@CommandHandler(ConvertAccountCommand)
export class ConvertAccountHandler implements ICommandHandler<
  ConvertAccountCommand,
  AccountCommandResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(AccountLifecycle) private readonly accounts: AccountLifecycle,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Db) private readonly db: Db,
  ) {}

  async execute({ accountId, actor }: ConvertAccountCommand): Promise<AccountCommandResult> {
    const on = this.clock.today();
    const known = await this.db.run((q) => this.accounts.load(q, accountId));
    if (!known.state.exists) throw new DomainError('not_found', 'Compte d’hébergement inconnu.');
    return recordOnAccount(this.pipeline, this.accounts, this.clock, {
      accountId,
      commandType: 'ConvertAccount',
      actor,
      request: { accountId, on },
      decide: (state) => decideConvertByAdmin(state, { on }),
    });
  }
}

/**
 * Opens an account on its stream as gloux2 decides it: Gloux's row of the same id, if any, is
 * not taken in first (the account is gloux2's from its first event).
 */
@CommandHandler(OpenAccountCommand)
export class OpenAccountHandler implements ICommandHandler<
  OpenAccountCommand,
  AccountCommandResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(AccountLifecycle) private readonly accounts: AccountLifecycle,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  execute({ accountId, account, actor }: OpenAccountCommand): Promise<AccountCommandResult> {
    return recordOnAccount(this.pipeline, this.accounts, this.clock, {
      accountId,
      commandType: 'OpenAccount',
      actor,
      request: { accountId, ...account },
      decide: (state) => decideOpenAccount(state, account),
      adopt: false,
    });
  }
}

async function loadDunning(q: Queryable, customerId: string) {
  const events = await readStream(q, dunningStream(customerId));
  return {
    state: foldDunning(
      customerId,
      events.map((e) => e as unknown as DunningEvent),
    ),
    version: events.length === 0 ? -1 : events[events.length - 1]!.streamVersion,
  };
}

@CommandHandler(SendDunningCommand)
export class SendDunningHandler implements ICommandHandler<SendDunningCommand, SendDunningResult> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(LIFECYCLE_CONFIG) private readonly config: LifecycleConfig,
  ) {}

  async execute({ customerId, on, invoices }: SendDunningCommand): Promise<SendDunningResult> {
    const outcome = await this.pipeline.execute({
      commandType: 'SendDunning',
      actor: 'lifecycle-job',
      now: this.clock.now(),
      request: { customerId, on },
      decide: async (tx) => {
        const { state, version } = await loadDunning(tx, customerId);
        const events = decideDunning(state, { on }, { invoices, rules: this.config.rules });
        return {
          appends: [{ streamId: dunningStream(customerId), expectedVersion: version, events }],
          result: null,
        };
      },
    });
    return outcome.events.map((e) => ({ type: e.type, data: e.data }) as DunningEvent);
  }
}
