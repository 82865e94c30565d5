import { Injectable } from '@nestjs/common';
import type { LegacyHosting } from '../../legacy-sync/legacy-hosting-inventory.js';
import type { AuthUser } from '../auth/auth-user.js';

/**
 * One part of a hosting's page (`/hebergements/:id`): domains, web spaces, FTP accounts,
 * mailboxes… Each module registers its own (in its onModuleInit) with a partial of
 * src/panel/views/partials, so the page does not know them; the JSON twin
 * (`/api/hebergements/:id`) carries each section's data under its key.
 */
export interface HostingSection {
  /** The key of its data in the JSON twin (`domains`, `vhosts`, `ftp`…). */
  readonly key: string;
  readonly order: number;
  readonly title: string;
  /** The partial that renders `data`: its file name without `.hbs`, `_` not `-` (hbs turns `-` into `_`). */
  readonly partial: string;
  read(hosting: LegacyHosting, user: AuthUser): Promise<object>;
}

@Injectable()
export class HostingSections {
  private readonly sections: HostingSection[] = [];

  register(...sections: HostingSection[]): void {
    for (const s of sections) {
      if (this.sections.some((t) => t.key === s.key))
        throw new Error(`two hosting sections named ${s.key}`);
      this.sections.push(s);
    }
    this.sections.sort((a, b) => a.order - b.order);
  }

  /** Every section's data, in order (one after the other: SQLite has one connection). */
  async read(
    hosting: LegacyHosting,
    user: AuthUser,
  ): Promise<{ key: string; title: string; partial: string; data: object }[]> {
    const out = [];
    for (const s of this.sections)
      out.push({
        key: s.key,
        title: s.title,
        partial: s.partial,
        data: await s.read(hosting, user),
      });
    return out;
  }
}
