import nodemailer, { type Transporter } from 'nodemailer';
import type { Db, Queryable } from '../kernel/database/db.js';
import { sqlTimestamp, type RecordedEvent } from '../kernel/event-store/event-store.js';
import type { Clock } from '../kernel/clock.js';
import { LogFollower } from './log-follower.js';
import type { LifecycleConfig } from '../kernel/config.js';
import { causesMail, type MailMessage, type MailMessages } from './mail-messages.js';
import { backoffMs } from '../../domain/jobs/job-rules.js';

export const MAIL_CHECKPOINT = 'mail-outbox';

export interface OutboxRow {
  id: number;
  message_key: string;
  kind: string;
  customer_id: string;
  recipient: string;
  subject: string;
  body_text: string;
  body_html: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/**
 * Writes messages into g2_outbox in the caller's transaction, each once (its key): the
 * followers' e-mails (`position`: the causing event) and those a job decides without an event
 * (the sentinel: position 0). A message without a recipient is kept as failed, saying why.
 */
export async function insertOutboxMessages(
  tx: Queryable,
  messages: readonly MailMessage[],
  position: number,
  at: Date,
): Promise<void> {
  const now = sqlTimestamp(at);
  const insert = tx.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  for (const m of messages) {
    await tx.execute(
      `${insert} INTO g2_outbox (message_key, event_position, kind, customer_id, recipient, subject, body_text, body_html, status, attempts, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
      [
        m.key,
        position,
        m.kind,
        m.customerId,
        m.recipient,
        m.subject,
        m.text,
        m.html,
        m.recipient === '' ? 'failed' : 'pending',
        now,
        now,
      ],
    );
    if (m.recipient === '') {
      await tx.execute(
        `UPDATE g2_outbox SET last_error = 'Aucune adresse e-mail pour ce client.' WHERE message_key = ?`,
        [m.key],
      );
    }
  }
}

/**
 * E-mails after commit: the follower writes each message the log causes into g2_outbox (one
 * row per event and kind, a unique key: never twice), the sender sends what is due through
 * SMTP and retries failures with a growing delay. With no SMTP_URL, messages stay in the outbox
 * (shown on /admin/courriels).
 */
export class MailOutbox {
  readonly follower: LogFollower;
  private transport: Transporter | null;
  private sending: Promise<number> | null = null;

  constructor(
    private readonly db: Db,
    private readonly messages: MailMessages,
    private readonly config: Pick<
      LifecycleConfig,
      'smtpUrl' | 'mailFrom' | 'mailMaxAttempts' | 'retryBaseMs'
    >,
    private readonly clock: Clock,
  ) {
    this.follower = new LogFollower(db, MAIL_CHECKPOINT, causesMail, (e) => this.enqueue(e));
    this.transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;
  }

  get configured(): boolean {
    return this.transport !== null;
  }

  private async enqueue(event: RecordedEvent): Promise<void> {
    const messages = await this.db.run((q) => this.messages.of(q, event));
    if (messages.length === 0) return;
    const now = this.clock.now();
    await this.db.transaction((tx) => insertOutboxMessages(tx, messages, event.position, now));
  }

  /** Writes the messages of everything committed so far into the outbox, then sends what is due. */
  async process(): Promise<{ queued: number; sent: number }> {
    const queued = await this.follower.catchUp();
    return { queued, sent: await this.flush() };
  }

  /** Sends the pending messages whose time has come; one pass at a time. Returns how many were sent. */
  flush(): Promise<number> {
    if (!this.transport) return Promise.resolve(0);
    this.sending ??= this.sendDue().finally(() => {
      this.sending = null;
    });
    return this.sending;
  }

  private async sendDue(): Promise<number> {
    const transport = this.transport!;
    const now = this.clock.now();
    const due = await this.db.query<OutboxRow & Record<string, unknown>>(
      `SELECT * FROM g2_outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT 100`,
      [sqlTimestamp(now)],
    );
    let sent = 0;
    for (const row of due) {
      try {
        await transport.sendMail({
          from: this.config.mailFrom,
          to: row.recipient,
          subject: row.subject,
          text: row.body_text,
          html: row.body_html,
          // The same id on a resend after a crash lets the receiving side drop the twin.
          messageId: `<${row.message_key.replace(/[^\w.-]/g, '.')}@gloux2>`,
        });
        await this.db.run((q) =>
          q.execute(
            `UPDATE g2_outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL WHERE id = ? AND status = 'pending'`,
            [sqlTimestamp(this.clock.now()), row.id],
          ),
        );
        sent += 1;
      } catch (error) {
        const attempts = Number(row.attempts) + 1;
        const failed = attempts >= this.config.mailMaxAttempts;
        const next = new Date(now.getTime() + backoffMs(this.config.retryBaseMs, attempts));
        await this.db.run((q) =>
          q.execute(
            `UPDATE g2_outbox SET attempts = ?, status = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`,
            [
              attempts,
              failed ? 'failed' : 'pending',
              sqlTimestamp(next),
              (error as Error).message.slice(0, 2000),
              row.id,
            ],
          ),
        );
      }
    }
    return sent;
  }

  async pendingCount(): Promise<number> {
    const [row] = await this.db.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM g2_outbox WHERE status = 'pending'`,
    );
    return Number(row?.n ?? 0);
  }

  /** Puts a failed message back in the queue (admin action). */
  async retry(id: number): Promise<boolean> {
    const { affected } = await this.db.run((q) =>
      q.execute(
        `UPDATE g2_outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND status = 'failed' AND recipient <> ''`,
        [sqlTimestamp(this.clock.now()), id],
      ),
    );
    return affected > 0;
  }

  close(): void {
    this.transport?.close();
  }
}
