import type { INestApplicationContext } from '@nestjs/common';
import { plural } from '../../../domain/shared/plural.js';
import { Clock } from '../../kernel/clock.js';
import { Db } from '../../kernel/database/db.js';
import { CommandPipeline } from '../../kernel/event-store/command-pipeline.js';
import { AfterCommit } from '../../lifecycle/after-commit.js';
import { JOB_STATUS_LABELS } from '../../lifecycle/job-labels.js';
import type { JobStatus } from '../../../domain/jobs/job-rules.js';
import { startDuePurges } from './mail-purge.js';

/**
 * `mailbox:purge-due [--on YYYY-MM-DD]` (daily, by cron): starts the purge of every box whose
 * deferred deletion is due that day (default today; never a day to come), then runs the purge
 * jobs (HOSTING_HOOK_MAIL_PURGE) and says where each stands. Exit 2 when a hosting failed.
 */
export async function mailboxPurgeDueCli(
  app: INestApplicationContext,
  options: { on?: string },
): Promise<number> {
  const s = await startDuePurges(
    app.get(Db),
    app.get(CommandPipeline),
    app.get(Clock),
    options.on,
    'cli',
  );
  await app.get(AfterCommit).settle();
  console.log(
    `Purge des boîtes au ${s.day} : ${plural(s.started.length, 'boîte due', 'boîtes dues')}.`,
  );
  for (const box of s.started) {
    const [job] = await app
      .get(Db)
      .query<{ status: JobStatus; last_error: string | null }>(
        `SELECT status, last_error FROM g2_jobs WHERE kind = 'mail.purge' AND target_id = ? ORDER BY id DESC LIMIT 1`,
        [box.address],
      );
    const state = job ? JOB_STATUS_LABELS[job.status] : 'en attente';
    console.log(`  ${box.address} : ${state}${job?.last_error ? ` (${job.last_error})` : ''}`);
  }
  for (const e of s.errors) console.log(`  hébergement ${e.hostingId} : ${e.message}`);
  return s.errors.length > 0 ? 2 : 0;
}
