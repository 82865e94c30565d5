import { Inject, Injectable, Logger } from '@nestjs/common';
import { parisDateTimeOf, parisDayOf, type Day } from '../../domain/shared/day.js';
import { Clock } from '../kernel/clock.js';
import { Db } from '../kernel/database/db.js';
import { sqlTimestamp } from '../kernel/event-store/event-store.js';

export interface RecordedError {
  id: number;
  /** Paris time, 'YYYY-MM-DD HH:MM:SS'. */
  at: string;
  method: string;
  path: string;
  message: string;
}

/** At most this many errors are kept a day: a storm must not fill the database. */
export const ERRORS_KEPT_PER_DAY = 1000;

/** The server errors (500) the pages answered, for the admin home's "errors of the day". */
@Injectable()
export class ErrorLog {
  private readonly logger = new Logger('ErrorLog');
  private keptToday: { day: Day; count: number } | null = null;

  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * Keeps one error (the path without its query string, the message cut short). Never
   * throws: the database may be the very thing that failed.
   */
  async record(method: string, path: string, error: unknown): Promise<void> {
    try {
      const now = this.clock.now();
      const day = parisDayOf(now);
      if (this.keptToday?.day !== day) this.keptToday = { day, count: await this.countOn(day) };
      if (this.keptToday.count >= ERRORS_KEPT_PER_DAY) return;
      this.keptToday.count++;
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await this.db.query(
        `INSERT INTO g2_http_errors (at, on_day, method, path, message) VALUES (?, ?, ?, ?, ?)`,
        [
          sqlTimestamp(now),
          day,
          method.slice(0, 8),
          path.split('?')[0]!.slice(0, 255),
          message.slice(0, 500),
        ],
      );
    } catch (failure) {
      this.logger.error(`could not record an error: ${String(failure)}`);
    }
  }

  async countOn(day: Day): Promise<number> {
    const [row] = await this.db.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM g2_http_errors WHERE on_day = ?`,
      [day],
    );
    return Number(row?.n ?? 0);
  }

  /** The day's errors, newest first. */
  async of(day: Day, limit = 200): Promise<RecordedError[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT id, at, method, path, message FROM g2_http_errors WHERE on_day = ? ORDER BY id DESC LIMIT ${Math.floor(limit)}`,
      [day],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: parisDateTimeOf(new Date(`${String(r.at).replace(' ', 'T')}Z`)),
      method: String(r.method),
      path: String(r.path),
      message: String(r.message),
    }));
  }
}
