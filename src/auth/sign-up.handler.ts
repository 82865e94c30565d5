import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  accountStream,
  joiningStream,
  type AccountOpened,
  type CooperatorJoined,
} from '../../domain/accounts/events.js';
import {
  checkSignUp,
  signUpRefusal,
  trialEndOf,
  type FieldError,
  type SignUp,
} from '../../domain/accounts/sign-up.js';
import { DomainError } from '../../domain/shared/errors.js';
import { SHARE_CAPITAL_STREAM } from '../../domain/shares/events.js';
import type { ShareRules } from '../../domain/shares/share-capital.js';
import { decideSubscribeShares } from '../../domain/shares/share-movements.js';
import { formatNumberRanges, MAX_SHARES_PER_REQUEST } from '../../domain/shares/share-numbers.js';
import {
  createLegacyAccount,
  signUpConflicts,
  type LegacyAccountIds,
} from '../../legacy-sync/legacy-sign-up.js';
import { drawShareNumbers, SHARE_COUNTER } from '../../legacy-sync/legacy-shares.js';
import { ShareCapitalCache } from '../../projections/shares/share-capital-cache.js';
import { Clock } from '../kernel/clock.js';
import { AUTH_CONFIG, SHARES_CONFIG, type AuthConfig } from '../kernel/config.js';
import { Db, type Queryable, type Tx } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { parseIdempotencyKey } from '../kernel/event-store/idempotency.js';
import { writePasswordHash } from './auth.service.js';
import { hashPassword, md5Hex } from './password.js';
import { SIGN_UP_FIELDS, SignUpCommand, type SignUpResult } from './sign-up.command.js';
import { signUpPlans, type SignUpPlan } from './sign-up-plans.js';
import { lockedFor, recordFailure } from './throttle.js';

interface Checked {
  readonly form: SignUp;
  readonly plan: SignUpPlan;
  /** The Gloux rows an earlier attempt under the same key wrote (MyISAM keeps them). */
  readonly known: LegacyAccountIds | null;
  readonly hash: string;
}

/**
 * Joining the cooperative without manual validation, as one numbered command: Gloux's rows
 * (person, customer, login, hosting of the plan chosen), `AccountOpened` with a one-month
 * trial, the subscription of the shares the statutes require (numbers drawn from Gloux's
 * counter like any subscription, mirrored to `parts_sociales` after commit, paid up later like
 * any other) and `CooperatorJoined` with the versions of the terms accepted, all committed in
 * one transaction under one idempotency key.
 */
@CommandHandler(SignUpCommand)
export class SignUpHandler implements ICommandHandler<SignUpCommand, SignUpResult> {
  private readonly capital = new ShareCapitalCache();

  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(SHARES_CONFIG) private readonly shareRules: ShareRules,
  ) {}

  execute({ input, idempotencyKey, ip }: SignUpCommand): Promise<SignUpResult> {
    const fields = Object.fromEntries(SIGN_UP_FIELDS.map((f) => [f, input[f]]));
    const key = `sign-up:${parseIdempotencyKey(idempotencyKey) ?? randomUUID()}`;
    const now = this.clock.now();
    const openedOn = this.clock.today();
    const trialEndsOn = trialEndOf(openedOn);
    // The Gloux rows of an attempt the pipeline retries (a share movement committed meanwhile):
    // on MariaDB they outlive its rollback (MyISAM) and are taken again, never written twice.
    let attempted: LegacyAccountIds | null = null;
    return this.pipeline.executeNumbered<SignUpResult, Checked>({
      commandType: 'SignUp',
      actor: `sign-up:${String(fields.login ?? '').trim()}`,
      now,
      idempotencyKey: key,
      // The password is not part of the request kept with the key.
      request: { ...fields, password: undefined, passwordConfirmation: undefined },
      check: () => this.check(fields, key, ip, now.getTime()),
      datedOn: () => [openedOn],
      draw: async ({ form }) => {
        const numbers = await this.db.run((q) => drawShareNumbers(q, form.shares, now));
        return numbers.map((value) => ({ counter: SHARE_COUNTER, value, number: String(value) }));
      },
      // Gloux's rows, AccountOpened and the subscription commit together: Gloux's poll must
      // never see the new hosting row without its account stream, or it takes it in as an
      // account of Gloux's own and the sign-up then fails on the stream it found taken.
      decide: async (tx, _ctx, drawn, { form, plan, known, hash }) => {
        const rows = { form, md5: md5Hex(form.password), hash, key, openedOn, trialEndsOn, now };
        // Read before Gloux's rows are written: the poll sees them at once (MyISAM), so the
        // window until AccountOpened is appended stays as short as it can be.
        const { state, version } = await this.capital.load(tx);
        let opened = known;
        if (!opened) {
          opened = (await stillThere(tx, attempted)) ? attempted! : await this.createRows(tx, rows);
          attempted = opened;
          await recordRows(tx, opened, rows);
        }
        const shares = decideSubscribeShares(
          state,
          {
            tiersId: opened.tiersId,
            count: form.shares,
            on: openedOn,
            reference: `Adhésion ${form.hostingName}`,
          },
          {
            today: openedOn,
            rules: this.shareRules,
            tiersExists: (id) => id === opened.tiersId,
            newId: () => randomUUID(),
            numbers: drawn.map((d) => d.value),
          },
        );
        const subscribed = shares[0];
        if (subscribed?.type !== 'SharesSubscribed')
          throw new Error('A sign-up subscribes its shares first');
        const accountOpened: AccountOpened = {
          type: 'AccountOpened',
          data: {
            accountId: opened.hostingId,
            customerId: opened.customerId,
            name: form.hostingName,
            openedOn,
            trialEndsOn,
          },
        };
        const joined: CooperatorJoined = {
          type: 'CooperatorJoined',
          data: {
            customerId: opened.customerId,
            tiersId: opened.tiersId,
            accountId: opened.hostingId,
            hostingName: form.hostingName,
            planId: plan.planId,
            planLabel: plan.label,
            planPriceNet: plan.priceNet,
            joinedOn: openedOn,
            trialEndsOn,
            subscriptionId: subscribed.data.subscriptionId,
            shareNumbers: subscribed.data.numbers,
            shareNominal: subscribed.data.nominal,
            termsVersion: this.config.termsVersion,
            privacyVersion: this.config.privacyVersion,
            acceptedAt: now.toISOString(),
          },
        };
        return {
          appends: [
            {
              streamId: accountStream(opened.hostingId),
              expectedVersion: -1,
              events: [accountOpened],
            },
            { streamId: SHARE_CAPITAL_STREAM, expectedVersion: version, events: shares },
            {
              streamId: joiningStream(opened.customerId),
              expectedVersion: -1,
              events: [joined],
            },
          ],
          result: {
            customerId: opened.customerId,
            accountId: opened.hostingId,
            userId: opened.userId,
            tiersId: opened.tiersId,
            hostingName: form.hostingName,
            openedOn,
            trialEndsOn,
            shareNumbers: formatNumberRanges(subscribed.data.numbers),
          },
        };
      },
    });
  }

  /**
   * Every refusal of the form at once (taken names included), then the sign-up limits and the
   * password hash: all before the share numbers are drawn, so a refusal burns none.
   */
  private async check(
    fields: Record<string, unknown>,
    key: string,
    ip: string,
    now: number,
  ): Promise<Checked> {
    const known = await this.known(key);
    const plans = await this.db.run((q) => signUpPlans(q, this.clock.today()));
    const { signUp, errors } = checkSignUp(fields, {
      minShares: this.config.signUpShares,
      maxShares: Math.max(this.config.signUpShares, MAX_SHARES_PER_REQUEST),
      planIds: plans.map((p) => p.planId),
    });
    const conflicts: FieldError[] = [];
    if (!known) {
      const login = typeof fields.login === 'string' ? fields.login.trim() : '';
      const hostingName =
        typeof fields.hostingName === 'string' ? fields.hostingName.trim().toLowerCase() : '';
      const taken = await this.db.run((q) => signUpConflicts(q, login, hostingName));
      if (taken.login && login !== '')
        conflicts.push({
          field: 'login',
          message: 'Cet identifiant est déjà pris : choisissez-en un autre.',
        });
      if (taken.hostingName && hostingName !== '')
        conflicts.push({
          field: 'hostingName',
          message: 'Ce nom d’hébergement est déjà pris : choisissez-en un autre.',
        });
    }
    const all = [
      ...errors.filter((e) => !conflicts.some((c) => c.field === e.field)),
      ...conflicts,
    ];
    if (!signUp || all.length > 0)
      throw signUpRefusal(
        all,
        conflicts.map((c) => c.field),
      );
    const plan = plans.find((p) => p.planId === signUp.planId)!;
    if (known) return { form: signUp, plan, known, hash: '' };
    await this.countSignUp(ip, now);
    // Hashed before the transaction: scrypt is slow, and SQLite has one writer.
    return { form: signUp, plan, known, hash: await hashPassword(signUp.password) };
  }

  /** Gloux's person, customer, login and hosting rows (MyISAM: kept even if the command fails). */
  private createRows(tx: Tx, o: Rows): Promise<LegacyAccountIds> {
    return createLegacyAccount(tx, {
      signUp: o.form,
      md5: o.md5,
      openedOn: o.openedOn,
      trialEndsOn: o.trialEndsOn,
      now: o.now,
    });
  }

  /**
   * Each new account writes Gloux rows and starts a provisioning run: anonymous sign-ups are
   * limited per address and in all (retries of one sign-up, by its key, are not counted).
   */
  private async countSignUp(ip: string, now: number): Promise<void> {
    const { signUpsPerIp, signUpsTotal, signUpWindowMs } = this.config;
    const limits = [
      { key: 'sign-up:all', max: signUpsTotal },
      ...(ip ? [{ key: `sign-up:ip:${ip}`, max: signUpsPerIp }] : []),
    ];
    await this.db.run(async (q) => {
      for (const limit of limits) {
        const wait = await lockedFor(q, [limit], now, signUpWindowMs);
        if (wait === 0) continue;
        const minutes = Math.ceil(wait / 60_000);
        throw new DomainError(
          'throttled',
          `${limit.key === 'sign-up:all' ? 'Trop de comptes ouverts en ce moment' : 'Trop de comptes ouverts depuis cette adresse'} : réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`,
          undefined,
          { retryAfterSeconds: Math.ceil(wait / 1000) },
        );
      }
      await recordFailure(
        q,
        limits.map((l) => l.key),
        now,
        signUpWindowMs,
      );
    });
  }

  private async known(key: string): Promise<LegacyAccountIds | null> {
    const [row] = await this.db.query<{
      tiers_id: string;
      customer_id: string;
      user_id: string;
      hosting_id: string;
    }>(
      `SELECT tiers_id, customer_id, user_id, hosting_id FROM g2_sign_ups WHERE idempotency_key = ?`,
      [key],
    );
    return row
      ? {
          tiersId: String(row.tiers_id),
          customerId: String(row.customer_id),
          userId: String(row.user_id),
          hostingId: String(row.hosting_id),
        }
      : null;
  }
}

interface Rows {
  readonly form: SignUp;
  readonly md5: string;
  readonly hash: string;
  readonly key: string;
  readonly openedOn: string;
  readonly trialEndsOn: string;
  readonly now: Date;
}

/** The key's row (the Gloux rows it wrote) and the password hash, in gloux2's tables. */
async function recordRows(tx: Tx, created: LegacyAccountIds, o: Rows): Promise<void> {
  await tx.execute(
    `INSERT INTO g2_sign_ups (idempotency_key, tiers_id, customer_id, user_id, hosting_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    [
      o.key,
      created.tiersId,
      created.customerId,
      created.userId,
      created.hostingId,
      o.now.getTime(),
    ],
  );
  await writePasswordHash(tx, created.userId, o.hash, o.md5, o.now.getTime());
}

/** Whether an earlier attempt's Gloux login row is still there (SQLite rolled it back). */
async function stillThere(q: Queryable, ids: LegacyAccountIds | null): Promise<boolean> {
  if (!ids) return false;
  const [row] = await q.query(`SELECT 1 AS x FROM utilisateurs WHERE id_utilisateur = ?`, [
    Number(ids.userId),
  ]);
  return row !== undefined;
}
