import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { burstSize, eta, maySend, nextSlot } from '../../server/domain/pacing.js';
import type { SendingCalendar } from '../../server/domain/business-days.js';
import { seededRandom } from '../../server/domain/seeded-random.js';

const calendar: SendingCalendar = { windowStart: '08:30', windowEnd: '17:30', businessDays: [1, 2, 3, 4] };
const zone = 'Europe/Berlin';
const at = (iso: string) => DateTime.fromISO(iso, { zone });

/** Runs one account's pacing from `from` to `to` as the engine would: wait for the slot, send, repeat. */
function simulate(from: DateTime, to: DateTime, dailyLimit: number, seed: number): DateTime[] {
  const random = seededRandom(seed);
  const sends: DateTime[] = [];
  let t = from;
  for (;;) {
    const sentToday = sends.filter((s) => s.hasSame(t, 'day')).length;
    t = nextSlot(t, { dailyLimit, sentToday }, calendar, random);
    if (t >= to) return sends;
    const verdict = maySend(t, { dailyLimit, sentToday: sends.filter((s) => s.hasSame(t, 'day')).length }, calendar);
    expect(verdict, `slot ${t.toISO()} must be sendable`).toEqual({ ok: true });
    sends.push(t);
  }
}

describe('nextSlot over several simulated days', () => {
  // Three accounts at 94 a day from a Wednesday to the next Monday night (in milliseconds of CPU).
  const from = at('2026-11-25T00:00');
  const to = at('2026-12-01T00:00');
  const runs = [1, 2, 3].map((seed) => simulate(from, to, 94, seed));

  it('sends exactly the daily limit on each business day and nothing Friday to Sunday', () => {
    for (const sends of runs) {
      const perDay = new Map<string, number>();
      for (const s of sends) perDay.set(s.toISODate()!, (perDay.get(s.toISODate()!) ?? 0) + 1);
      expect(Object.fromEntries(perDay)).toEqual({ '2026-11-25': 94, '2026-11-26': 94, '2026-11-30': 94 });
    }
  });

  it('keeps every send inside the working window', () => {
    for (const s of runs.flat()) {
      const minutes = s.hour * 60 + s.minute;
      expect(minutes).toBeGreaterThanOrEqual(8 * 60 + 30);
      expect(minutes).toBeLessThan(17 * 60 + 30);
    }
  });

  // Evenly through working hours: 94 over 9 hours is ~10.4 an hour; no hour may hold a burst.
  it('spreads sends over the window: no hour holds more than its share plus jitter', () => {
    for (const sends of runs) {
      const perHour = new Map<string, number>();
      for (const s of sends) perHour.set(s.toFormat('yyyy-MM-dd HH'), (perHour.get(s.toFormat('yyyy-MM-dd HH')) ?? 0) + 1);
      const full = [...perHour.entries()].filter(([k]) => !k.endsWith(' 08') && !k.endsWith(' 17'));
      for (const [, n] of full) {
        expect(n).toBeGreaterThanOrEqual(6);
        expect(n).toBeLessThanOrEqual(15);
      }
      // The first send of a day is not at the window's opening.
      const firstOfDay = sends.filter((s, i) => i === 0 || !s.hasSame(sends[i - 1], 'day'));
      for (const s of firstOfDay) expect(s > s.startOf('day').set({ hour: 8, minute: 30 })).toBe(true);
    }
  });
});

describe('maySend', () => {
  const pace = { dailyLimit: 94, sentToday: 0 };

  it('refuses days off, hours outside the window and a used-up quota, saying until when', () => {
    expect(maySend(at('2026-11-27T10:00'), pace, calendar)).toMatchObject({ ok: false, reason: 'day_off' });
    expect(maySend(at('2026-11-27T10:00'), pace, calendar).ok || maySend(at('2026-11-27T10:00'), pace, calendar)).toMatchObject({ until: at('2026-11-30T08:30') });
    expect(maySend(at('2026-11-25T08:29'), pace, calendar)).toMatchObject({ ok: false, reason: 'before_window', until: at('2026-11-25T08:30') });
    expect(maySend(at('2026-11-25T17:30'), pace, calendar)).toMatchObject({ ok: false, reason: 'after_window', until: at('2026-11-26T08:30') });
    expect(maySend(at('2026-11-26T12:00'), { dailyLimit: 94, sentToday: 94 }, calendar)).toMatchObject({ ok: false, reason: 'daily_limit', until: at('2026-11-30T08:30') });
    expect(maySend(at('2026-11-25T08:30'), pace, calendar)).toEqual({ ok: true });
  });

  // The limit is counted in the account's own zone: its day starts at its midnight.
  it('uses the account zone for the window', () => {
    const tokyo = DateTime.fromISO('2026-11-25T09:00', { zone: 'Asia/Tokyo' });
    expect(maySend(tokyo, pace, calendar)).toEqual({ ok: true });
    expect(maySend(tokyo.setZone('Europe/Berlin'), pace, calendar)).toMatchObject({ ok: false, reason: 'before_window' });
  });
});

describe('eta', () => {
  const pace = { dailyLimit: 94, sentToday: 0 };
  it('finishes within today when the quota allows, at the even pace', () => {
    expect(eta(at('2026-11-25T08:30'), pace, calendar, 47)!.toISO()).toBe(at('2026-11-25T13:00').toISO());
  });

  // 200 messages at 94 a day from Wednesday morning: Wednesday, Thursday, then Monday.
  it('skips days off and carries over whole days', () => {
    expect(eta(at('2026-11-25T08:30'), pace, calendar, 200)!.toISODate()).toBe('2026-11-30');
    expect(eta(at('2026-11-25T08:30'), { dailyLimit: 94, sentToday: 94 }, calendar, 1)!.toISODate()).toBe('2026-11-26');
    expect(eta(at('2026-11-25T08:30'), pace, calendar, 0)).toBeNull();
  });
});

describe('burstSize', () => {
  const now = at('2026-11-25T09:00');
  // A person's mailbox (2,880 a day: a slot every ~10 s of this window) never sends in bursts.
  it('is one at a human pace, more only when several slots fall within the horizon', () => {
    expect(burstSize(now, { dailyLimit: 2_880, sentToday: 0 }, calendar, 1_000, 20)).toBe(1);
    expect(burstSize(now, { dailyLimit: 100_000_000, sentToday: 0 }, calendar, 1_000, 20)).toBe(20);
    // Half a second before the window closes, 3 left: 3, not the 6 slots the pace would fit.
    expect(burstSize(at('2026-11-25T17:29:59.500'), { dailyLimit: 100_000, sentToday: 99_997 }, calendar, 1_000, 20)).toBe(3);
  });

  // Invariant: sending in bursts keeps the daily limit and the window, over three business days.
  it('keeps the daily limit and the window when every slot sends a burst', () => {
    const random = seededRandom(11);
    const dailyLimit = 600;
    const perDay = new Map<string, number>();
    let largest = 0;
    let t: DateTime = at('2026-11-25T00:00');
    const end = at('2026-12-01T00:00');
    for (;;) {
      const sentToday = perDay.get(t.toISODate()!) ?? 0;
      t = nextSlot(t, { dailyLimit, sentToday }, calendar, random);
      if (t >= end) break;
      const today = perDay.get(t.toISODate()!) ?? 0;
      expect(maySend(t, { dailyLimit, sentToday: today }, calendar)).toEqual({ ok: true });
      const burst = burstSize(t, { dailyLimit, sentToday: today }, calendar, 120_000, 20);
      largest = Math.max(largest, burst);
      perDay.set(t.toISODate()!, today + burst);
    }
    expect(Object.fromEntries(perDay)).toEqual({ '2026-11-25': dailyLimit, '2026-11-26': dailyLimit, '2026-11-30': dailyLimit });
    expect(largest).toBeGreaterThan(1);
  });
});
