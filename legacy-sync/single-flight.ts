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
    private readonly pass: () => Promise<T>,
    private readonly combine: (a: T, b: T) => T,
    private readonly empty: () => T,
  ) {}

  wake(): Promise<T> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let total = this.empty();
      try {
        do {
          this.again = false;
          total = this.combine(total, await this.pass());
        } while (this.again);
        this.lastError = null;
      } catch (error) {
        this.lastError = { at: new Date().toISOString(), message: (error as Error).message };
      } finally {
        this.running = null;
      }
      return total;
    })();
    return this.running;
  }

  /** Resolves once the pass under way (if any) has finished. */
  async settled(): Promise<void> {
    await this.running;
  }
}
