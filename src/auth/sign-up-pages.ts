import { Inject, Injectable } from '@nestjs/common';
import { joiningStream, type CooperatorJoined } from '../../domain/accounts/events.js';
import { DomainError } from '../../domain/shared/errors.js';
import { Money } from '../../domain/shared/money.js';
import type { ShareRules } from '../../domain/shares/share-capital.js';
import { formatNumberRanges } from '../../domain/shares/share-numbers.js';
import { Clock } from '../kernel/clock.js';
import {
  AUTH_CONFIG,
  LIFECYCLE_CONFIG,
  SHARES_CONFIG,
  type AuthConfig,
  type LifecycleConfig,
} from '../kernel/config.js';
import { Db } from '../kernel/database/db.js';
import { readStream } from '../kernel/event-store/event-store.js';
import { signUpPlans } from './sign-up-plans.js';

/** What the sign-up form and the welcome page show. */
@Injectable()
export class SignUpPages {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(SHARES_CONFIG) private readonly shares: ShareRules,
    @Inject(LIFECYCLE_CONFIG) private readonly lifecycle: LifecycleConfig,
  ) {}

  /** The plans with their prices, the shares the statutes require and the terms' versions. */
  async form() {
    const plans = await this.db.run((q) => signUpPlans(q, this.clock.today()));
    const minShares = this.config.signUpShares;
    return {
      plans,
      minShares,
      nominal: this.shares.nominal.toString(),
      sharesAmount: Money.round(this.shares.nominal.times(String(minShares))).toString(),
      termsVersion: this.config.termsVersion,
      privacyVersion: this.config.privacyVersion,
      termsUrl: this.config.termsUrl,
      privacyUrl: this.config.privacyUrl,
      trialCloses: this.lifecycle.rules.trialExpiry === 'close',
    };
  }

  /** The welcome page of a customer who joined by the sign-up (from the joining event). */
  async welcome(customerId: string) {
    const events = await this.db.run((q) => readStream(q, joiningStream(customerId)));
    const joined = events.find((e) => e.type === 'CooperatorJoined') as unknown as
      CooperatorJoined | undefined;
    if (!joined)
      throw new DomainError('not_found', 'Ce compte n’a pas été ouvert par l’adhésion en ligne.');
    const d = joined.data;
    const count = d.shareNumbers.length;
    return {
      customerId,
      hostingName: d.hostingName,
      planLabel: d.planLabel,
      planPriceNet: d.planPriceNet,
      joinedOn: d.joinedOn,
      trialEndsOn: d.trialEndsOn,
      shares: {
        count,
        numbers: formatNumberRanges(d.shareNumbers),
        nominal: d.shareNominal,
        amount: Money.round(Money.of(d.shareNominal).times(String(count))).toString(),
      },
      termsVersion: d.termsVersion,
      privacyVersion: d.privacyVersion,
      trialCloses: this.lifecycle.rules.trialExpiry === 'close',
    };
  }
}
