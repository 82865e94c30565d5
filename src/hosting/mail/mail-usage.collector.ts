import { execFile } from 'node:child_process';
import { runDay } from '../../../domain/shared/run-day.js';
import { Inject, Injectable } from '@nestjs/common';
import {
  boxesToMeasure,
  domainOfAddress,
  readUsageLines,
  type MeasuredBox,
  type MeasureProblem,
} from '../../../domain/hosting/mail-usage.js';
import type { Day } from '../../../domain/shared/day.js';
import { DomainError } from '../../../domain/shared/errors.js';
import {
  legacyMailboxes,
  writeLegacyMailUsage,
  type LegacyMailbox,
} from '../../../legacy-sync/legacy-mail-usage.js';
import { Clock } from '../../kernel/clock.js';
import {
  MAIL_USAGE_CONFIG,
  processEnvironment,
  type MailUsageConfig,
} from '../../kernel/config.js';
import { Db, type Queryable } from '../../kernel/database/db.js';

/** Boxes per call of the script: argv stays far below the system's limit. */
const BOXES_PER_CALL = 500;
/** Rows per INSERT / addresses per DELETE on g2_mail_usage. */
const ROWS_PER_STATEMENT = 200;

export interface MailUsageSummary {
  readonly on: Day;
  /** Boxes in Gloux's `mails`. */
  readonly boxes: number;
  /** Boxes with a figure for the day (their rows written). */
  readonly measured: number;
  /** Measured boxes whose maildir does not exist yet (counted 0). */
  readonly missing: readonly string[];
  /** Boxes not measured, or the script's own failure (address null), in French. */
  readonly problems: readonly MeasureProblem[];
  /** Whether Gloux's `mails.utilise_ko` was written too. */
  readonly wroteGloux: boolean;
}

/** One call of the script over some boxes: its answer read, never guessed. */
function measure(
  config: MailUsageConfig,
  script: string,
  boxes: readonly { address: string; maildir: string }[],
): Promise<{ measured: MeasuredBox[]; problems: MeasureProblem[] }> {
  const argv = [
    ...(config.doveadm ? ['--doveadm', config.doveadm] : []),
    config.mailRoot,
    ...boxes.flatMap((b) => [b.address, b.maildir]),
  ];
  return new Promise((resolve) => {
    execFile(
      script,
      argv,
      {
        timeout: config.timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...processEnvironment(), GLOUX2_MAIL_ROOT: config.mailRoot },
      },
      (error, stdout, stderr) => {
        const read = readUsageLines(
          String(stdout),
          boxes.map((b) => b.address),
        );
        const problems = [...read.problems];
        if (error && !problems.some((p) => p.address === null)) {
          const why = String(stderr).trim().split('\n').pop() || error.message;
          problems.unshift({
            address: null,
            message: `le script s’est arrêté en erreur (${error.killed ? 'délai dépassé' : `code ${String(error.code)}`}) : ${why.slice(0, 200)}`,
          });
        }
        resolve({ measured: read.measured, problems });
      },
    );
  });
}

/**
 * `mail-usage:collect` (HOSTING.md "Quotas, accounting and the sentinel"): measures every box
 * of Gloux's `mails` through the operator's script (HOSTING_HOOK_MAIL_USAGE; reference
 * scripts/hosting/mail-usage, du or doveadm) and writes the day's `g2_mail_usage` rows, one per
 * box measured. Running it again the same day replaces those rows; a box not measured this time
 * keeps an earlier figure of the day if there is one, and is reported. Read only on the mail
 * files.
 */
@Injectable()
export class MailUsageCollector {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(MAIL_USAGE_CONFIG) private readonly config: MailUsageConfig,
  ) {}

  async collect(day?: string): Promise<MailUsageSummary> {
    const today = this.clock.today();
    const on = runDay(today, day, 'Une mesure ne peut pas être datée dans le futur.');
    const script = this.config.hook;
    if (script === null)
      throw new DomainError(
        'invalid_config',
        'HOSTING_HOOK_MAIL_USAGE n’est pas configuré : indiquez le script qui mesure les boîtes (scripts/hosting/mail-usage).',
      );
    const boxes = await this.db.run((q) => legacyMailboxes(q));
    const { asked, problems } = boxesToMeasure(
      boxes.map((b) => ({ address: b.address, maildir: b.maildir })),
      this.config.mailRoot,
    );
    const measured: MeasuredBox[] = [];
    const reported = [...problems];
    for (let i = 0; i < asked.length; i += BOXES_PER_CALL) {
      const r = await measure(this.config, script, asked.slice(i, i + BOXES_PER_CALL));
      measured.push(...r.measured);
      reported.push(...r.problems);
    }
    const byAddress = new Map(boxes.map((b) => [b.address, b]));
    await this.db.transaction(async (tx) => {
      await replaceDay(tx, on, measured, byAddress);
      if (this.config.writeGloux)
        await writeLegacyMailUsage(
          tx,
          measured.map((m) => ({ mailId: byAddress.get(m.address)!.mailId, kb: m.kb })),
        );
    });
    return {
      on,
      boxes: boxes.length,
      measured: measured.length,
      missing: measured.filter((m) => m.missing).map((m) => m.address),
      problems: reported,
      wroteGloux: this.config.writeGloux,
    };
  }
}

const chunks = <T>(list: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
};

/**
 * The day's rows become the figures measured; rows of the day for addresses Gloux no longer
 * has go; a box still in Gloux but not measured this time keeps its earlier row of the day.
 */
async function replaceDay(
  tx: Queryable,
  on: Day,
  measured: readonly MeasuredBox[],
  boxes: ReadonlyMap<string, LegacyMailbox>,
): Promise<void> {
  const existing = await tx.query<{ address: string }>(
    `SELECT address FROM g2_mail_usage WHERE day = ?`,
    [on],
  );
  const fresh = new Set(measured.map((m) => m.address));
  const stale = existing.map((r) => r.address).filter((a) => fresh.has(a) || !boxes.has(a));
  for (const list of chunks(stale, ROWS_PER_STATEMENT))
    await tx.execute(
      `DELETE FROM g2_mail_usage WHERE day = ? AND address IN (${list.map(() => '?').join(', ')})`,
      [on, ...list],
    );
  for (const list of chunks(measured, ROWS_PER_STATEMENT))
    await tx.execute(
      `INSERT INTO g2_mail_usage (day, address, hosting_id, domain, used_kb, quota_mb) VALUES ${list
        .map(() => '(?, ?, ?, ?, ?, ?)')
        .join(', ')}`,
      list.flatMap((m) => {
        const box = boxes.get(m.address)!;
        return [on, m.address, box.hostingId, domainOfAddress(m.address), m.kb, box.quotaMb];
      }),
    );
}
