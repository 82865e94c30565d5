/**
 * Counts forged card notifications per address in fixed windows, in this process's memory: a
 * lower bound of the count the database keeps for all instances (MoneticoService.countForged),
 * so refusing an address this process already saw over its limit costs no database work. Memory is bounded too: when
 * `maxAddresses` addresses are all within their window, a new one is refused outright.
 */
export class ForgedLimiter {
  /** In insertion order, which is window-start order (an expired entry is deleted, then set). */
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxAddresses = 10_000,
  ) {}

  /** `kept`: store it; `limited`: refuse unkept; `newly-limited`: the first refused of its window. */
  take(address: string, now: number): 'kept' | 'limited' | 'newly-limited' {
    const key = addressKey(address);
    let window = this.windows.get(key);
    if (window && window.start + this.windowMs <= now) {
      this.windows.delete(key);
      window = undefined;
    }
    if (!window) {
      if (this.windows.size >= this.maxAddresses) this.prune(now);
      if (this.windows.size >= this.maxAddresses) return 'limited';
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    if (window.count <= this.max) return 'kept';
    return window.count === this.max + 1 ? 'newly-limited' : 'limited';
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.start + this.windowMs > now) return;
      this.windows.delete(key);
    }
  }
}

/**
 * The unit a limit applies to: an IPv4 address, or an IPv6 /64 (one subscriber usually holds a
 * whole /64, so counting single IPv6 addresses would limit nothing).
 */
export function addressKey(address: string): string {
  const ip = address
    .trim()
    .toLowerCase()
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [
          ...left,
          ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'),
          ...right,
        ];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
