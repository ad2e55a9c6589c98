import type { Context } from 'hono';
import { ApiError } from './errors.js';

/**
 * Counts events per key (failed sign-ins by address and e-mail, test sends by user) in a sliding
 * window; the clock is injected. In-process: good enough for one web process, and a restart only
 * forgets the counts.
 */
export class SlidingWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until `key` may go again, or 0 when it may go now. */
  retryAfter(key: string, now: number): number {
    const recent = this.recent(key, now);
    return recent.length >= this.limit ? recent[0] + this.windowMs - now : 0;
  }

  hit(key: string, now: number): void {
    this.hits.set(key, [...this.recent(key, now), now]);
  }

  clear(key: string): void {
    this.hits.delete(key);
  }

  private recent(key: string, now: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length) this.hits.set(key, list);
    else this.hits.delete(key);
    return list;
  }
}

/**
 * Refuses the request with 429 and a Retry-After header while `key` is over its window's limit;
 * `what` names what was counted ("failed sign-ins").
 */
export function refuseWhileOver(c: Context, window: SlidingWindow, key: string, now: number, what: string): void {
  const wait = window.retryAfter(key, now);
  if (wait <= 0) return;
  c.header('Retry-After', String(Math.ceil(wait / 1000)));
  throw new ApiError('too_many_requests', `Too many ${what}; try again in ${Math.ceil(wait / 60_000)} min`);
}
