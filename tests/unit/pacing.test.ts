import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { burstSize, eta, maySend, nextSlot } from '../../server/domain/pacing.js';
import type { SendingCalendar } from '../../server/domain/business-days.js';
import { seededRandom } from '../../server/domain/seeded-random.js';

const calendar: SendingCalendar = { windowStart: '08:30', windowEnd: '17:30', businessDays: [1, 2, 3, 4] };
const zone = 'Europe/Berlin';
const at = (iso: string) => DateTime.fromISO(iso, { zone });

/** The engine's burst settings (server/engine/scheduler.ts): a second's worth of slots, at most 50. */
const BURST = { horizonMs: 1_000, max: 50 };

/** Messages sent back to back at one instant. */
interface Burst {
  at: DateTime;
  size: number;
}

/**
 * Runs one account's pacing from `from` to `to` as the engine does: wait for the slot, send the
 * burst the pace allows back to back, repeat. Slots that maySend refuses are collected, not
 * asserted one by one (a fast account has tens of thousands).
 */
function simulate(from: DateTime, to: DateTime, dailyLimit: number, seed: number, cal = calendar): { bursts: Burst[]; refused: string[] } {
  const random = seededRandom(seed);
  const bursts: Burst[] = [];
  const refused: string[] = [];
  let t = from;
  let sentToday = 0;
  let size = 1;
  for (;;) {
    const next = nextSlot(t, { dailyLimit, sentToday }, cal, random, size);
    if (!next.hasSame(t, 'day')) sentToday = 0;
    t = next;
    if (t >= to) return { bursts, refused };
    if (!maySend(t, { dailyLimit, sentToday }, cal).ok) refused.push(t.toISO()!);
    size = burstSize(t, { dailyLimit, sentToday }, cal, BURST.horizonMs, BURST.max);
    bursts.push({ at: t, size });
    sentToday += size;
  }
}

/** Messages per day (yyyy-MM-dd) or per hour (yyyy-MM-dd HH). */
const countBy = (bursts: Burst[], unit: 'day' | 'hour') => {
  const counts = new Map<string, number>();
  const key = (t: DateTime) => (unit === 'day' ? t.toISODate()! : `${t.toISODate()} ${String(t.hour).padStart(2, '0')}`);
  for (const b of bursts) counts.set(key(b.at), (counts.get(key(b.at)) ?? 0) + b.size);
  return counts;
};

/** The messages of each of these hours (by default those fully inside 08:30–17:30; a missing hour counts 0). */
const fullHours = (bursts: Burst[], days: string[], hours = [9, 10, 11, 12, 13, 14, 15, 16]) => {
  const perHour = countBy(bursts, 'hour');
  return days.flatMap((day) => hours.map((h) => perHour.get(`${day} ${String(h).padStart(2, '0')}`) ?? 0));
};

describe('nextSlot over several simulated days', () => {
  // Three accounts at 94 a day from a Wednesday to the next Monday night, simulated once, inside the first test that needs it.
  let simulated: ReturnType<typeof simulate>[] | undefined;
  const runs = () => (simulated ??= [1, 2, 3].map((seed) => simulate(at('2026-11-25T00:00'), at('2026-12-01T00:00'), 94, seed)));

  it('sends exactly the daily limit on each business day and nothing Friday to Sunday', () => {
    for (const { bursts, refused } of runs()) {
      expect(refused).toEqual([]);
      expect(Object.fromEntries(countBy(bursts, 'day'))).toEqual({ '2026-11-25': 94, '2026-11-26': 94, '2026-11-30': 94 });
    }
  });

  it('keeps every send inside the working window', () => {
    const all = runs().flatMap((r) => r.bursts);
    expect(all).toHaveLength(3 * 3 * 94);
    for (const { at: s } of all) {
      const minutes = s.hour * 60 + s.minute;
      expect(minutes).toBeGreaterThanOrEqual(8 * 60 + 30);
      expect(minutes).toBeLessThan(17 * 60 + 30);
    }
  });

  // Evenly through working hours: 94 over 9 hours is ~10.4 an hour; no hour may hold a burst.
  it('spreads sends over the window: no hour holds more than its share plus jitter', () => {
    for (const { bursts } of runs()) {
      const hours = fullHours(bursts, ['2026-11-25', '2026-11-26', '2026-11-30']);
      expect(hours).toHaveLength(24);
      for (const n of hours) {
        expect(n).toBeGreaterThanOrEqual(6);
        expect(n).toBeLessThanOrEqual(15);
      }
      // The first send of a day is not at the window's opening.
      const firstOfDay = bursts.filter((b, i) => i === 0 || !b.at.hasSame(bursts[i - 1].at, 'day'));
      expect(firstOfDay).toHaveLength(3);
      for (const { at: s } of firstOfDay) expect(s > s.startOf('day').set({ hour: 8, minute: 30 })).toBe(true);
    }
  });

  // Invariant: "evenly throughout working hours" holds at every pace. An account allowed 40,000
  // a day in a three-hour window sends ~3.7 a second, in bursts of a second's worth: each burst
  // takes as many slots as it sent, so every hour gets its share (13,333), not the whole quota in
  // the first hour. (A short window in UTC keeps the simulation to a second or two.)
  it('spreads a fast account sending in bursts evenly over the day', () => {
    const morning: SendingCalendar = { windowStart: '09:00', windowEnd: '12:00', businessDays: [1, 2, 3, 4] };
    const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'UTC' });
    const dailyLimit = 40_000;
    const { bursts, refused } = simulate(utc('2026-11-25T00:00'), utc('2026-11-26T00:00'), dailyLimit, 5, morning);
    expect(refused).toEqual([]);
    expect(Math.max(...bursts.map((b) => b.size))).toBeGreaterThan(1);
    expect(Object.fromEntries(countBy(bursts, 'day'))).toEqual({ '2026-11-25': dailyLimit });
    const share = dailyLimit / 3;
    const hours = fullHours(bursts, ['2026-11-25'], [9, 10, 11]);
    expect(hours).toHaveLength(3);
    for (const n of hours) {
      expect(n).toBeGreaterThanOrEqual(share * 0.95);
      expect(n).toBeLessThanOrEqual(share * 1.05);
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
