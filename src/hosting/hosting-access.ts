import { Inject, Injectable } from '@nestjs/common';
import {
  hostingById,
  hostingByName,
  inventoryHostingsOf,
  type LegacyHosting,
} from '../../legacy-sync/legacy-hosting-inventory.js';
import { DomainError } from '../../domain/shared/errors.js';
import { forbidden } from '../auth/auth-errors.js';
import { isStaff, type AuthUser } from '../auth/auth-user.js';
import { Db } from '../kernel/database/db.js';

/**
 * Which hostings a signed-in user may manage (HOSTING.md, "Who sees what"): a cooperator, the
 * hostings of their person's customer accounts (`hebergements.id_client`, as `@Member` resolves
 * them); the treasurer and admins, any. The routes are guarded by `@Member({ hosting })` too;
 * this is for what names a hosting otherwise (a form's field, the CLI's `--hosting`).
 */
@Injectable()
export class HostingAccess {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** The user's own hostings (a staff login: those of its own customer accounts, if any). */
  mine(user: AuthUser): Promise<LegacyHosting[]> {
    return this.db.run((q) => inventoryHostingsOf(q, user.customerIds));
  }

  /**
   * The hosting `hostingId` if the user may manage it. Unknown: 404 for staff; 403 for a
   * cooperator, as for another's (a cooperator learns nothing of ids not theirs).
   */
  async manageable(user: AuthUser, hostingId: string): Promise<LegacyHosting> {
    const hosting = await this.db.run((q) => hostingById(q, hostingId));
    return this.allowed(user, hosting, 'id');
  }

  /** The same, for a hosting named by `hebergements.nom`. */
  async manageableByName(user: AuthUser, name: string): Promise<LegacyHosting> {
    const hosting = await this.db.run((q) => hostingByName(q, name));
    return this.allowed(user, hosting, 'hebergement');
  }

  private allowed(user: AuthUser, hosting: LegacyHosting | null, field: string): LegacyHosting {
    if (hosting && (isStaff(user) || mayManage(user, hosting))) return hosting;
    if (!hosting && isStaff(user))
      throw new DomainError('not_found', 'Hébergement introuvable.', field);
    throw forbidden();
  }
}

/** A cooperator's own hosting: held by one of their person's customer accounts. */
export const mayManage = (user: AuthUser, hosting: LegacyHosting): boolean =>
  hosting.customerId !== null && user.customerIds.includes(hosting.customerId);
