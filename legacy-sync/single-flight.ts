/**
 * Coalesced wake-ups for an after-commit worker: one pass at a time, one more if woken while
 * it ran (so nothing committed meanwhile is left waiting). Never throws: the last error is
 * kept for the pages to show, and the next wake-up tries again.
 */
export class SingleFlight<T> {
  private running: Promise<T> | null = null;
  private again = false;
  lastError: { at: string; message: string } | null = null;

  constructor(
    private readonly step: () => Promise<T>,
    private readonly combine: (a: T, b: T) => T,
    private readonly empty: () => T,
  ) {}

  wake(): Promise<T> {
    return this.pass().catch(() => this.empty());
  }

  /**
   * As wake, but rejects with the failure of the pass (CLI, tests): a pass under way is joined,
   * never run beside, so two callers never react to the same event at once.
   */
  drain(): Promise<T> {
    return this.pass();
  }

  private pass(): Promise<T> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let total = this.empty();
      try {
        do {
          this.again = false;
          total = this.combine(total, await this.step());
        } while (this.again);
        this.lastError = null;
        return total;
      } catch (error) {
        this.lastError = { at: new Date().toISOString(), message: (error as Error).message };
        throw error;
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Resolves once the pass under way (if any) has finished. */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }
}
