import { Inject, Injectable } from '@nestjs/common';
import { isDay, type Day } from '../../../domain/shared/day.js';
import { DomainError } from '../../../domain/shared/errors.js';
import {
  formatKb,
  formatPercent,
  NEAR_PERCENT,
  openEpisodeAlerts,
  QUOTA_LEVEL_LABELS,
  usagePercent,
  type BoxUsage,
  type QuotaAlert,
} from '../../../domain/hosting/sentinel.js';
import { hostingContacts, type HostingContact } from '../../../legacy-sync/legacy-mail-contacts.js';
import { Clock } from '../../kernel/clock.js';
import { LIFECYCLE_CONFIG, SELLER_IDENTITY, type LifecycleConfig } from '../../kernel/config.js';
import { Db, type Queryable } from '../../kernel/database/db.js';
import { sqlTimestamp } from '../../kernel/event-store/event-store.js';
import type { SellerIdentity } from '../../../domain/documents/printable-document.js';
import { MailTemplates, type MailMessage } from '../../lifecycle/mail-messages.js';
import { insertOutboxMessages, MailOutbox } from '../../lifecycle/mail-outbox.js';

/** One alert the run recorded, with whom it was sent to. */
export interface RecordedAlert extends QuotaAlert {
  readonly id: number;
  readonly address: string;
  readonly hostingId: string;
  readonly contact: HostingContact | null;
}

export interface SentinelRun {
  readonly on: Day;
  /** Boxes measured that day at 90 % of their quota or more. */
  readonly boxesNear: number;
  /** The alerts this run recorded (none on a second run of the same day). */
  readonly alerts: readonly RecordedAlert[];
  /** Where the admins' summary went: null when there was nothing new or no ADMIN_EMAIL. */
  readonly summaryTo: string | null;
}

interface NearRow {
  address: string;
  hosting_id: number | string;
  domain: string;
  [k: string]: unknown;
}

/** A box's measured days since it was last under 90 % (the open episode's days), up to `on`. */
async function episodeHistory(q: Queryable, address: string, on: Day): Promise<BoxUsage[]> {
  const rows = await q.query<{ day: string; used_kb: number | string; quota_mb: number | string }>(
    `SELECT day, used_kb, quota_mb FROM g2_mail_usage
      WHERE address = ? AND day <= ?
        AND day >= COALESCE((SELECT MAX(u.day) FROM g2_mail_usage u
               WHERE u.address = ? AND u.day < ? AND (u.quota_mb <= 0 OR u.used_kb * 100 < u.quota_mb * 1024 * ?)), '0000-00-00')
      ORDER BY day`,
    [address, on, address, on, NEAR_PERCENT],
  );
  return rows.map((r) => ({ day: r.day, usedKb: Number(r.used_kb), quotaMb: Number(r.quota_mb) }));
}

/**
 * `sentinel:run`: reads the day's mailbox usage (g2_mail_usage), applies the episode rules
 * (domain/hosting/sentinel.ts), records each alert once (g2_sentinel_alerts, box × day × level)
 * with the member's e-mail in the same transaction, and the admins' summary; then sends what
 * the outbox holds. A second run of the same day finds every alert recorded and sends nothing.
 */
@Injectable()
export class SentinelService {
  private readonly templates = new MailTemplates();

  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(LIFECYCLE_CONFIG) private readonly config: LifecycleConfig,
    @Inject(SELLER_IDENTITY) private readonly seller: SellerIdentity,
    @Inject(MailOutbox) private readonly outbox: MailOutbox,
  ) {}

  async run(onInput?: string): Promise<SentinelRun> {
    const on = onInput ?? this.clock.today();
    if (!isDay(on)) throw new DomainError('invalid_input', 'Jour invalide (AAAA-MM-JJ).', 'on');
    const run = await this.db.transaction(async (tx) => {
      const near = await tx.query<NearRow>(
        `SELECT address, hosting_id, domain FROM g2_mail_usage
          WHERE day = ? AND quota_mb > 0 AND used_kb * 100 >= quota_mb * 1024 * ?
          ORDER BY address`,
        [on, NEAR_PERCENT],
      );
      const contacts = await hostingContacts(
        tx,
        near.map((r) => String(r.hosting_id)),
      );
      const now = this.clock.now();
      const recorded: RecordedAlert[] = [];
      const mails: MailMessage[] = [];
      for (const box of near) {
        const hostingId = String(box.hosting_id);
        const contact = contacts.get(hostingId) ?? null;
        for (const alert of openEpisodeAlerts(await episodeHistory(tx, box.address, on), on)) {
          const insert = tx.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
          const { affected, insertId } = await tx.execute(
            `${insert} INTO g2_sentinel_alerts (address, day, level, reason, episode_started_on, hosting_id, domain, customer_id, used_kb, quota_mb, run_on, recorded_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [
              box.address,
              alert.day,
              alert.level,
              alert.reason,
              alert.episodeStartedOn,
              Number(hostingId),
              box.domain,
              contact?.customerId ?? '',
              alert.usedKb,
              alert.quotaMb,
              on,
              sqlTimestamp(now),
            ],
          );
          if (affected !== 1) continue;
          const r: RecordedAlert = {
            ...alert,
            id: insertId,
            address: box.address,
            hostingId,
            contact,
          };
          recorded.push(r);
          mails.push(this.memberMail(r));
        }
      }
      const summaryTo = recorded.length > 0 ? this.config.adminEmail : null;
      if (summaryTo) mails.push(this.summaryMail(on, recorded, near.length, summaryTo));
      await insertOutboxMessages(tx, mails, 0, now);
      return { on, boxesNear: near.length, alerts: recorded, summaryTo };
    });
    // A sending pass already under way may have read the due rows before this commit: the
    // second pass, begun after it, sends what this run queued.
    await this.outbox.flush();
    await this.outbox.flush();
    return run;
  }

  private figures(a: QuotaAlert) {
    return {
      usedText: formatKb(a.usedKb),
      quotaText: formatKb(a.quotaMb * 1024),
      percentText: formatPercent(usagePercent(a.usedKb, a.quotaMb) ?? 0),
      levelLabel: QUOTA_LEVEL_LABELS[a.level],
      full: a.level === 'full',
      worse: a.reason === 'worse',
      since: a.episodeStartedOn,
      measuredOn: a.day,
    };
  }

  private memberMail(a: RecordedAlert): MailMessage {
    const model = {
      ...this.figures(a),
      address: a.address,
      hostingName: a.contact?.hostingName || `n° ${a.hostingId}`,
      hostingUrl: `${this.config.panelUrl}/hebergements/${a.hostingId}`,
      customer: { name: a.contact?.name || 'Madame, Monsieur' },
      panelUrl: this.config.panelUrl,
      seller: this.seller.name,
    };
    return {
      key: `sentinel:${a.id}`,
      kind: 'mail-quota',
      customerId: a.contact?.customerId ?? '',
      recipient: a.contact?.email ?? '',
      ...this.templates.render('mail-quota', model),
    };
  }

  private summaryMail(
    on: Day,
    alerts: readonly RecordedAlert[],
    nearCount: number,
    to: string,
  ): MailMessage {
    const n = alerts.length;
    const model = {
      on,
      countText: `${n} ${n > 1 ? 'boîtes mail' : 'boîte mail'} près de ${n > 1 ? 'leur' : 'son'} quota ou au-delà`,
      alerts: alerts.map((a) => ({
        ...this.figures(a),
        address: a.address,
        hostingName: a.contact?.hostingName || `n° ${a.hostingId}`,
        memberName: a.contact?.name || 'adhérent inconnu',
        email: a.contact?.email ?? '',
        phone: a.contact?.phone ?? '',
      })),
      nearCount,
      pageUrl: `${this.config.panelUrl}/admin/courrier/depassements`,
      seller: this.seller.name,
    };
    return {
      key: `sentinel-summary:${on}:${alerts[0]!.id}`,
      kind: 'sentinel-summary',
      customerId: '',
      recipient: to,
      ...this.templates.render('sentinel-summary', model),
    };
  }
}
