import type { JobRow } from '../kernel/jobs/job-queue.js';
import { JOB_KIND_LABELS, JOB_STATUS_LABELS } from './job-labels.js';
import { Inject, Injectable } from '@nestjs/common';
import { addDays, type Day } from '../../domain/shared/day.js';
import { Db } from '../kernel/database/db.js';
import { findCustomers } from '../../legacy-sync/legacy-gateway.js';
import { ACCOUNT_STATUS_LABELS } from './account-labels.js';

export interface AccountListItem {
  accountId: string;
  customerId: string;
  name: string;
  status: string;
  /** The state in French ('actif'), and the member as they know themselves (Gloux's person). */
  statusText: string;
  customerName: string;
  customerNumber: string;
  openedOn: string | null;
  trialEndsOn: string | null;
  convertedOn: string | null;
  convertedBy: string | null;
  noticeOn: string | null;
  closesOn: string | null;
  closedOn: string | null;
  reasons: { reason: string; note: string; since: string }[];
}

interface AccountRow {
  account_id: string;
  customer_id: string;
  name: string;
  status: string;
  opened_on: string | null;
  trial_ends_on: string | null;
  converted_on: string | null;
  converted_by: string | null;
  notice_on: string | null;
  closes_on: string | null;
  closed_on: string | null;
  [k: string]: unknown;
}

/** The admin lists of the account lifecycle (new accounts, closing accounts, e-mails, hooks). */
@Injectable()
export class LifecyclePagesQueries {
  constructor(@Inject(Db) private readonly db: Db) {}

  private async accounts(
    where: string,
    params: unknown[],
    order: string,
  ): Promise<AccountListItem[]> {
    return this.db.run(async (q) => {
      const rows = await q.query<AccountRow>(
        `SELECT * FROM g2_rm_accounts WHERE ${where} ORDER BY ${order} LIMIT 500`,
        params,
      );
      const reasons = rows.length
        ? await q.query<{ account_id: string; reason: string; note: string; since: string }>(
            `SELECT account_id, reason, note, since FROM g2_rm_account_suspensions
              WHERE account_id IN (${rows.map(() => '?').join(', ')}) ORDER BY since, reason`,
            rows.map((r) => r.account_id),
          )
        : [];
      const customers = new Map(
        (await findCustomers(q, [...new Set(rows.map((r) => r.customer_id))])).map((c) => [
          c.customerId,
          c,
        ]),
      );
      return rows.map((r) => ({
        accountId: r.account_id,
        customerId: r.customer_id,
        name: r.name,
        status: r.status,
        statusText: ACCOUNT_STATUS_LABELS[r.status] ?? r.status,
        customerName: customers.get(r.customer_id)?.name ?? '',
        customerNumber: customers.get(r.customer_id)?.customerNumber ?? '',
        openedOn: r.opened_on,
        trialEndsOn: r.trial_ends_on,
        convertedOn: r.converted_on,
        convertedBy: r.converted_by,
        noticeOn: r.notice_on,
        closesOn: r.closes_on,
        closedOn: r.closed_on,
        reasons: reasons
          .filter((s) => s.account_id === r.account_id)
          .map((s) => ({ reason: s.reason, note: s.note, since: s.since })),
      }));
    });
  }

  /** One account as the read model has it (null when the log does not know it). */
  async account(accountId: string): Promise<AccountListItem | null> {
    const [a] = await this.accounts('account_id = ?', [accountId], 'account_id');
    return a ?? null;
  }

  /** Sign-ups of the last `days` days, and trials not converted (ending soonest first). */
  async newAccounts(today: Day, days: number) {
    const since = addDays(today, -days);
    return {
      since,
      recent: await this.accounts(
        `opened_on >= ? AND customer_id <> ''`,
        [since],
        'opened_on DESC, account_id',
      ),
      trials: await this.accounts(
        `trial_ends_on IS NOT NULL AND converted_on IS NULL AND closed_on IS NULL`,
        [],
        'trial_ends_on, account_id',
      ),
    };
  }

  /** Accounts with a closure notice (closing soonest first), and those closed in the last `days` days. */
  async closingAccounts(today: Day, days: number) {
    const since = addDays(today, -days);
    return {
      since,
      closing: await this.accounts(
        `closes_on IS NOT NULL AND closed_on IS NULL`,
        [],
        'closes_on, account_id',
      ),
      closed: await this.accounts(`closed_on >= ?`, [since], 'closed_on DESC, account_id'),
    };
  }

  /** Accounts suspended now, with their reasons. */
  suspendedAccounts(): Promise<AccountListItem[]> {
    return this.accounts(`status = 'suspended'`, [], 'account_id');
  }

  /**
   * The admin home's account figures, each an indexed count: sign-ups since `newSince`,
   * accounts under notice, closed since `closedSince`, suspended (and per reason).
   */
  async accountFigures(newSince: Day, closedSince: Day) {
    return this.db.run(async (q) => {
      const count = async (sql: string, params: unknown[] = []) =>
        Number((await q.query<{ n: unknown }>(sql, params))[0]?.n ?? 0);
      const reasons = await q.query<{ reason: string; n: unknown }>(
        `SELECT s.reason, COUNT(*) AS n FROM g2_rm_account_suspensions s
           JOIN g2_rm_accounts a ON a.account_id = s.account_id AND a.status = 'suspended'
          GROUP BY s.reason ORDER BY s.reason`,
      );
      return {
        opened: await count(
          `SELECT COUNT(*) AS n FROM g2_rm_accounts WHERE opened_on >= ? AND customer_id <> ''`,
          [newSince],
        ),
        closing: await count(
          `SELECT COUNT(*) AS n FROM g2_rm_accounts WHERE closes_on IS NOT NULL AND closed_on IS NULL`,
        ),
        closed: await count(`SELECT COUNT(*) AS n FROM g2_rm_accounts WHERE closed_on >= ?`, [
          closedSince,
        ]),
        suspended: await count(
          `SELECT COUNT(*) AS n FROM g2_rm_accounts WHERE status = 'suspended'`,
        ),
        suspendedByReason: reasons.map((r) => ({ reason: r.reason, count: Number(r.n) })),
      };
    });
  }

  /** E-mails and provisioning runs that gave up (each an indexed count on their status). */
  async failures(): Promise<{ mails: number; provisioning: number }> {
    const count = async (table: string) =>
      Number(
        (
          await this.db.query<{ n: unknown }>(
            `SELECT COUNT(*) AS n FROM ${table} WHERE status = 'failed'`,
          )
        )[0]?.n ?? 0,
      );
    return { mails: await count('g2_outbox'), provisioning: await count('g2_jobs') };
  }

  async mails(status?: string) {
    const filter = status && /^(pending|sent|failed)$/.test(status) ? status : null;
    return this.db.query<Record<string, unknown>>(
      `SELECT id, message_key, kind, customer_id, recipient, subject, body_text, status, attempts, next_attempt_at, last_error, created_at, sent_at
         FROM g2_outbox ${filter ? 'WHERE status = ?' : ''} ORDER BY id DESC LIMIT 300`,
      filter ? [filter] : [],
    );
  }

  /** The job queue, newest first (the failed ones first of all: they wait for an admin). */
  async provisioningRuns() {
    const rows = await this.db.query<JobRow & Record<string, unknown>>(
      `SELECT * FROM g2_jobs ORDER BY CASE WHEN status = 'failed' THEN 0 ELSE 1 END, id DESC LIMIT 300`,
    );
    return rows.map(jobView);
  }
}

/** One job as the admin page and its JSON show it. */
export function jobView(row: JobRow) {
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  const account = row.kind.startsWith('account.');
  return {
    id: Number(row.id),
    kind: row.kind,
    kindLabel: JOB_KIND_LABELS[row.kind] ?? row.kind,
    // The account hooks' action, as /admin/provisionnement always named it.
    action: account ? row.kind.slice('account.'.length) : null,
    targetKind: row.target_kind,
    targetId: row.target_id,
    target: account
      ? String(payload.accountName)
      : `${row.target_kind} ${row.target_id}${typeof payload.path === 'string' ? ` (${payload.path})` : ''}`,
    server: row.server,
    status: row.status,
    statusLabel: JOB_STATUS_LABELS[row.status] ?? row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    worker: row.worker,
    output: row.output,
    last_error: row.last_error,
    created_at: row.created_at,
    finished_at: row.finished_at,
  };
}
