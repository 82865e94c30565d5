import { Inject, Injectable } from '@nestjs/common';
import { driftReport, mirrorLag, repairDrift, type Drift } from '../../legacy-sync/legacy-drift.js';
import { LegacyIngester } from '../../legacy-sync/legacy-ingest.js';
import { importReport, type ImportReport } from '../../legacy-sync/legacy-report.js';
import { LegacySyncWorker } from '../../legacy-sync/legacy-sync.worker.js';
import { Db } from '../kernel/database/db.js';

export interface DriftPage {
  drift: Drift[];
  /** Differences gloux2 owns (legacy:repair re-mirrors them). */
  repairable: number;
  /** gloux2 events not yet written into Gloux: their rows may show as drift until then. */
  mirrorLag: number;
  report: ImportReport;
  ingestError: string | null;
  mirrorError: string | null;
}

/** The drift report and the import report, for the admin page, its JSON twin and the CLI. */
@Injectable()
export class LegacyPages {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(LegacyIngester) private readonly ingester: LegacyIngester,
    @Inject(LegacySyncWorker) private readonly mirror: LegacySyncWorker,
  ) {}

  async drift(): Promise<DriftPage> {
    return this.db.run(async (q) => {
      const drift = await driftReport(q);
      return {
        drift,
        repairable: drift.filter((d) => d.owner === 'gloux2' && d.repair !== null).length,
        mirrorLag: await mirrorLag(q),
        report: await importReport(q),
        ingestError: this.ingester.lastError?.message ?? null,
        mirrorError: this.mirror.lastError?.message ?? null,
      };
    });
  }

  /** Mirrors what is pending, repairs what gloux2 owns, and returns the report after. */
  async repair(): Promise<{ repaired: number; after: Drift[] }> {
    // Gloux's latest writes first: a change Gloux just made is not a drift to undo.
    await this.mirror.catchUp();
    await this.ingester.poll();
    await this.mirror.catchUp();
    const drift = await this.db.run((q) => driftReport(q));
    // Read committed, as the mirror (LegacySyncWorker): its recomputed sums must not gap-lock
    // Gloux's own inserts.
    const repaired = await this.db.transaction((tx) => repairDrift(tx, drift), {
      readCommitted: true,
    });
    return { repaired, after: await this.db.run((q) => driftReport(q)) };
  }
}
