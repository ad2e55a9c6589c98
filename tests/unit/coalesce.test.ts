import { describe, expect, it } from 'vitest';
import { Coalescer, nextPushAt } from '../../server/live/coalesce.js';

/** A fake clock with timers that run when time is advanced. */
function fakeClock() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let seq = 0;
  return {
    now: () => now,
    setTimeout: (fn: () => void, ms: number) => {
      timers.push({ at: now + ms, fn, id: ++seq });
      return seq;
    },
    clearTimeout: (id: unknown) => {
      timers = timers.filter((t) => t.id !== id);
    },
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = end;
    },
  };
}

describe('nextPushAt', () => {
  it('pushes at once after a quiet gap, else at the end of the gap', () => {
    expect(nextPushAt(undefined, 1000, 250)).toBe(1000);
    expect(nextPushAt(900, 1000, 250)).toBe(1150);
    expect(nextPushAt(700, 1000, 250)).toBe(1000);
  });
});

describe('Coalescer', () => {
  // At most 4 pushes a second per mailing, however many events arrive, and none is lost.
  it('pushes a busy mailing at most every 250 ms, carrying every change', () => {
    const clock = fakeClock();
    const pushes: { key: number; at: number; items: number[] }[] = [];
    const c = new Coalescer<number>(250, (key, items) => pushes.push({ key, at: clock.now(), items }), clock);
    for (let i = 0; i < 100; i++) {
      c.add(1, i);
      clock.advance(10);
    }
    clock.advance(1000);
    expect(pushes.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < pushes.length; i++) expect(pushes[i].at - pushes[i - 1].at).toBeGreaterThanOrEqual(250);
    expect(pushes.flatMap((p) => p.items)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('keeps mailings independent', () => {
    const clock = fakeClock();
    const pushes: number[] = [];
    const c = new Coalescer<number>(250, (key) => pushes.push(key), clock);
    c.add(1);
    c.add(2);
    clock.advance(0);
    expect(pushes.sort()).toEqual([1, 2]);
  });
});
