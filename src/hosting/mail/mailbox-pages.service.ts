import { Inject, Injectable } from '@nestjs/common';
import { mailboxOverageText, type Mailbox } from '../../../domain/hosting/mailboxes.js';
import { formatDayFr } from '../../../domain/shared/day.js';
import { DomainError } from '../../../domain/shared/errors.js';
import {
  domainsOfHosting,
  type LegacyHosting,
} from '../../../legacy-sync/legacy-hosting-inventory.js';
import { Clock } from '../../kernel/clock.js';
import { OVERAGE_CONFIG, type OverageConfig } from '../../kernel/config.js';
import { Db } from '../../kernel/database/db.js';
import type { HostingSection } from '../hosting-sections.js';
import { unicodeOf } from '../hosting-domains.section.js';
import { loadMailboxes, mailboxAllowance, parseTypedAddress } from './mailboxes.handler.js';

/** A box as the pages and the JSON show it. */
export interface MailboxView {
  readonly address: string;
  /** The address with its domain in Unicode (what the cooperator typed). */
  readonly addressText: string;
  readonly quotaMb: number;
  readonly pop: boolean;
  readonly imap: boolean;
  readonly accessText: string;
  readonly autoReply: string | null;
  readonly status: Mailbox['status'];
  readonly statusText: string;
  /** 'YYYY-MM-DD' while a deletion waits (or the purge runs). */
  readonly purgeAfter: string | null;
  /** The deletion may still be cancelled. */
  readonly cancellable: boolean;
  /** Password, quota, access and auto-reply may change (not while a deletion waits). */
  readonly changeable: boolean;
  readonly href: string;
}

const addressText = (address: string) => {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}@${unicodeOf(address.slice(at + 1))}`;
};

function viewOf(hostingId: number, box: Mailbox): MailboxView {
  const statusText = {
    active: 'active',
    disabled: 'désactivée dans Gloux',
    deletion_pending: `suppression le ${box.purgeAfter ? formatDayFr(box.purgeAfter) : '?'}`,
    purging: 'purge en cours',
  }[box.status];
  return {
    address: box.address,
    addressText: addressText(box.address),
    quotaMb: box.quotaMb,
    pop: box.pop,
    imap: box.imap,
    accessText:
      [box.pop ? 'POP' : '', box.imap ? 'IMAP' : ''].filter(Boolean).join(' + ') || 'aucun',
    autoReply: box.autoReply,
    status: box.status,
    statusText,
    purgeAfter: box.purgeAfter,
    cancellable: box.status === 'deletion_pending',
    changeable: box.status === 'active' || box.status === 'disabled',
    href: `/hebergements/${hostingId}/boites/${encodeURIComponent(box.address)}`,
  };
}

/**
 * What the mailbox pages and their JSON twins show: a hosting's boxes (Gloux's live rows with
 * the commands not yet mirrored), what the plan includes and what the next box would cost
 * (HOSTING.md decision 3: announced before creating, never refused), and one box.
 */
@Injectable()
export class MailboxPages {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(OVERAGE_CONFIG) private readonly overage: OverageConfig,
  ) {}

  async list(hosting: LegacyHosting) {
    return this.db.run(async (q) => {
      const { state } = await loadMailboxes(q, hosting.hostingId);
      const boxes = [...state.boxes.values()]
        .sort((a, b) => a.address.localeCompare(b.address))
        .map((b) => viewOf(hosting.hostingId, b));
      const allowance = await mailboxAllowance(
        q,
        hosting.hostingId,
        boxes.length,
        this.overage,
        this.clock.today(),
      );
      const domains = (await domainsOfHosting(q, hosting.hostingId))
        .filter((d) => d.manageMx)
        .map((d) => ({ domain: d.domain, text: unicodeOf(d.domain) }));
      return {
        boxes,
        allowance: {
          ...allowance,
          text:
            allowance.included > 0
              ? `${allowance.boxes} boîte${allowance.boxes > 1 ? 's' : ''} sur ${allowance.included} incluse${allowance.included > 1 ? 's' : ''} dans l’offre.`
              : `${allowance.boxes} boîte${allowance.boxes > 1 ? 's' : ''}.`,
          nextText: allowance.next
            ? `Une nouvelle boîte dépasse ce que l’offre inclut. ${mailboxOverageText(allowance.next)}`
            : null,
        },
        domains,
        canCreate: domains.length > 0 && hosting.state !== 'ferme',
      };
    });
  }

  /** One box of the hosting, or not found. */
  async box(hosting: LegacyHosting, typed: string) {
    const { address } = parseTypedAddress(typed);
    return this.db.run(async (q) => {
      const { state } = await loadMailboxes(q, hosting.hostingId);
      const box = state.boxes.get(address);
      if (!box)
        throw new DomainError(
          'not_found',
          `Aucune boîte ${address} sur cet hébergement.`,
          'adresse',
        );
      return viewOf(hosting.hostingId, box);
    });
  }

  /** The hosting page's "Boîtes mail" section. */
  section(): HostingSection {
    return {
      key: 'mailboxes',
      order: 40,
      title: 'Boîtes mail',
      partial: 'hosting_mailboxes',
      read: (hosting) => this.list(hosting),
    };
  }
}
