/**
 * Pure timing of the per-mailing push limit: at most one push per `gapMs` (250 ms = 4 a second).
 * Given when the mailing was last pushed and the time now, says when the next push may happen.
 */
export function nextPushAt(lastPushAt: number | undefined, now: number, gapMs: number): number {
  if (lastPushAt === undefined || now - lastPushAt >= gapMs) return now;
  return lastPushAt + gapMs;
}

/**
 * Collects changes per key and flushes each key at most once per gap. Time and timers are
 * injected so a test can drive it with a fake clock.
 */
export class Coalescer<T> {
  private readonly pending = new Map<number, T[]>();
  private readonly lastPush = new Map<number, number>();
  private readonly timers = new Map<number, unknown>();

  constructor(
    private readonly gapMs: number,
    private readonly flush: (key: number, items: T[]) => void,
    private readonly clock: { now(): number; setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void },
  ) {}

  add(key: number, item?: T): void {
    const items = this.pending.get(key) ?? [];
    if (item !== undefined) items.push(item);
    this.pending.set(key, items);
    if (this.timers.has(key)) return;
    const now = this.clock.now();
    const at = nextPushAt(this.lastPush.get(key), now, this.gapMs);
    this.timers.set(key, this.clock.setTimeout(() => this.fire(key), at - now));
  }

  private fire(key: number): void {
    this.timers.delete(key);
    const items = this.pending.get(key) ?? [];
    this.pending.delete(key);
    this.lastPush.set(key, this.clock.now());
    this.flush(key, items);
  }

  stop(): void {
    for (const handle of this.timers.values()) this.clock.clearTimeout(handle);
    this.timers.clear();
    this.pending.clear();
  }
}
