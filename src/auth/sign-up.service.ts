import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { accountStream } from '../../domain/accounts/events.js';
import { parseSignUp, trialEndOf, type SignUp } from '../../domain/accounts/sign-up.js';
import { DomainError } from '../../domain/shared/errors.js';
import {
  createLegacyAccount,
  signUpConflicts,
  type LegacyAccountIds,
} from '../../legacy-sync/legacy-sign-up.js';
import { Clock } from '../kernel/clock.js';
import { Db, type Tx } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { parseIdempotencyKey } from '../kernel/event-store/idempotency.js';
import { AUTH_CONFIG, type AuthConfig } from '../kernel/config.js';
import { writePasswordHash } from './auth.service.js';
import { lockedFor, recordFailure } from './throttle.js';
import { hashPassword, md5Hex } from './password.js';

export interface SignUpResult {
  readonly customerId: string;
  readonly accountId: string;
  readonly userId: string;
  readonly hostingName: string;
  readonly openedOn: string;
  readonly trialEndsOn: string;
}

/**
 * Public sign-up without manual validation: Gloux's rows (person, customer, login, hosting) and
 * `AccountOpened` with a one-month trial, under one idempotency key (a retry writes nothing
 * twice: the Gloux rows are found by the key, the event by the pipeline's key).
 */
@Injectable()
export class SignUpService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /**
   * Opens the account. `ip`: the visitor's address, for the per-address limit (empty: only the
   * overall limit applies, e.g. from the command line).
   */
  async signUp(
    input: Record<string, unknown>,
    idempotencyKey: unknown,
    ip = '',
  ): Promise<SignUpResult> {
    const form = parseSignUp(input);
    const key = `sign-up:${parseIdempotencyKey(idempotencyKey) ?? randomUUID()}`;
    const now = this.clock.now();
    const openedOn = this.clock.today();
    const trialEndsOn = trialEndOf(openedOn);
    const md5 = md5Hex(form.password);

    const known = await this.known(key);
    let hash = '';
    if (!known) {
      const taken = await this.db.run((q) => signUpConflicts(q, form.login, form.hostingName));
      if (taken.login)
        throw new DomainError(
          'conflict',
          'Cet identifiant est déjà pris : choisissez-en un autre.',
          'login',
        );
      if (taken.hostingName)
        throw new DomainError(
          'conflict',
          'Ce nom d’hébergement est déjà pris : choisissez-en un autre.',
          'hostingName',
        );
      await this.countSignUp(ip, now.getTime());
      // Hashed before the transaction: scrypt is slow, and SQLite has one writer.
      hash = await hashPassword(form.password);
    }
    const { result } = await this.pipeline.execute<SignUpResult>({
      commandType: 'SignUp',
      actor: `sign-up:${form.login}`,
      now,
      idempotencyKey: key,
      // The password is not part of the request kept with the key.
      request: { ...form, password: undefined },
      // Gloux's rows and AccountOpened commit together: Gloux's poll must never see the new
      // hosting row without its account stream, or it takes it in as an account of Gloux's own
      // and the sign-up then fails on the stream it found taken (a 500 under load).
      decide: async (tx) => {
        const opened =
          known ??
          (await this.createRows(tx, { form, md5, hash, key, openedOn, trialEndsOn, now }));
        return {
          appends: [
            {
              streamId: accountStream(opened.hostingId),
              expectedVersion: -1,
              events: [
                {
                  type: 'AccountOpened',
                  data: {
                    accountId: opened.hostingId,
                    customerId: opened.customerId,
                    name: form.hostingName,
                    openedOn,
                    trialEndsOn,
                  },
                },
              ],
            },
          ],
          result: {
            customerId: opened.customerId,
            accountId: opened.hostingId,
            userId: opened.userId,
            hostingName: form.hostingName,
            openedOn,
            trialEndsOn,
          },
        };
      },
    });
    return result;
  }

  /** Gloux's person, customer, login and hosting rows, the key's row and the password hash. */
  private async createRows(
    tx: Tx,
    o: {
      form: SignUp;
      md5: string;
      hash: string;
      key: string;
      openedOn: string;
      trialEndsOn: string;
      now: Date;
    },
  ): Promise<LegacyAccountIds> {
    const created = await createLegacyAccount(tx, {
      signUp: o.form,
      md5: o.md5,
      openedOn: o.openedOn,
      trialEndsOn: o.trialEndsOn,
      now: o.now,
    });
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
    return created;
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
          tiersId: row.tiers_id,
          customerId: row.customer_id,
          userId: row.user_id,
          hostingId: row.hosting_id,
        }
      : null;
  }
}
