import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { accountStream } from '../../domain/accounts/events.js';
import { parseSignUp, trialEndOf } from '../../domain/accounts/sign-up.js';
import { DomainError } from '../../domain/shared/errors.js';
import {
  createLegacyAccount,
  signUpConflicts,
  type LegacyAccountIds,
} from '../../legacy-sync/legacy-sign-up.js';
import { Clock } from '../kernel/clock.js';
import { Db } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { parseIdempotencyKey } from '../kernel/event-store/idempotency.js';
import { AuthService } from './auth.service.js';
import { md5Hex } from './password.js';

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
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  async signUp(input: Record<string, unknown>, idempotencyKey: unknown): Promise<SignUpResult> {
    const form = parseSignUp(input);
    const key = `sign-up:${parseIdempotencyKey(idempotencyKey) ?? randomUUID()}`;
    const now = this.clock.now();
    const openedOn = this.clock.today();
    const trialEndsOn = trialEndOf(openedOn);
    const md5 = md5Hex(form.password);

    let ids = await this.known(key);
    if (!ids) {
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
      ids = await this.db.run(async (q) => {
        const created = await createLegacyAccount(q, {
          signUp: form,
          md5,
          openedOn,
          trialEndsOn,
          now,
        });
        await q.execute(
          `INSERT INTO g2_sign_ups (idempotency_key, tiers_id, customer_id, user_id, hosting_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
          [
            key,
            created.tiersId,
            created.customerId,
            created.userId,
            created.hostingId,
            now.getTime(),
          ],
        );
        return created;
      });
      await this.auth.storeHash(ids.userId, form.password, md5);
    }
    const opened = ids;
    const { result } = await this.pipeline.execute<SignUpResult>({
      commandType: 'SignUp',
      actor: `sign-up:${form.login}`,
      now,
      idempotencyKey: key,
      // The password is not part of the request kept with the key.
      request: { ...form, password: undefined },
      decide: async () => ({
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
      }),
    });
    return result;
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
