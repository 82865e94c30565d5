import {
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../src/config.js';
import { Db } from '../src/database/db.js';
import { CommandPipeline } from '../src/event-store/command-pipeline.js';
import { LegacySyncWorker } from './legacy-sync.worker.js';

/** Runs the gloux2 → Gloux mirror after every commit and on a timer (to catch up after a restart). */
@Module({
  providers: [
    { provide: LegacySyncWorker, inject: [Db], useFactory: (db: Db) => new LegacySyncWorker(db) },
  ],
  exports: [LegacySyncWorker],
})
export class LegacySyncModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(LegacySyncWorker) private readonly worker: LegacySyncWorker,
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.pipeline.committed$.subscribe(() => void this.worker.wake());
    this.timer = setInterval(() => void this.worker.wake(), this.config.legacySyncIntervalMs);
    this.timer.unref();
    void this.worker.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    if (this.timer) clearInterval(this.timer);
    await this.worker.wake();
  }
}
