import type { Queryable } from '../../src/kernel/database/db.js';
import { readStream } from '../../src/kernel/event-store/event-store.js';
import {
  SHARE_CAPITAL_STREAM,
  shareEventTypes,
  type ShareEvent,
} from '../../domain/shares/events.js';
import { isOneOf } from '../../src/kernel/projection.js';
import { foldShareCapital, type ShareCapitalState } from '../../domain/shares/share-capital.js';

const isShareEvent = isOneOf<ShareEvent>(shareEventTypes);

/**
 * The share capital as of its last event, kept between commands: the one stream holds every
 * movement of the cooperative's life, and replaying it whole for each command made a
 * subscription cost grow with the register (quadratic over a generated history). Only the
 * events since the kept version are read; the kept last event is read again and must have the
 * same position, otherwise (a log that is not the one the cache saw) everything is replayed.
 * States are immutable, so commands running at once can share one.
 */
export class ShareCapitalCache {
  private kept: { state: ShareCapitalState; version: number; position: number } | null = null;

  /** The share capital stream's state and version (-1: empty). */
  async load(q: Queryable): Promise<{ state: ShareCapitalState; version: number }> {
    const kept = this.kept;
    if (kept) {
      const since = await readStream(q, SHARE_CAPITAL_STREAM, kept.version);
      if (since[0]?.position === kept.position) {
        const fresh = since.slice(1);
        const state =
          fresh.length === 0
            ? kept.state
            : foldShareCapital(fresh.filter(isShareEvent), kept.state);
        this.keep(state, since[since.length - 1]!.streamVersion, since[since.length - 1]!.position);
        return { state, version: since[since.length - 1]!.streamVersion };
      }
    }
    const history = await readStream(q, SHARE_CAPITAL_STREAM);
    const state = foldShareCapital(history.filter(isShareEvent));
    const last = history[history.length - 1];
    if (last) this.keep(state, last.streamVersion, last.position);
    return { state, version: history.length - 1 };
  }

  private keep(state: ShareCapitalState, version: number, position: number): void {
    // Concurrent commands may finish out of order: never step back to an older version.
    if (!this.kept || version >= this.kept.version) this.kept = { state, version, position };
  }
}
