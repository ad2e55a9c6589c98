import type { DateTime } from 'luxon';
import { currentOrNextWindow, windowOn, type SendingCalendar } from './business-days.js';

/** What pacing needs to know of one account at one instant. `now` is in the account's zone. */
export interface AccountPace {
  dailyLimit: number;
  /** Messages this account sent since the start of `now`'s day in its zone. */
  sentToday: number;
}

export type SendVerdict = { ok: true } | { ok: false; reason: 'day_off' | 'before_window' | 'after_window' | 'daily_limit'; until: DateTime };

/**
 * May the account send at `now`? Never past its daily limit, never outside the window, never on
 * a day off; when not, also says until when.
 */
export function maySend(now: DateTime, pace: AccountPace, calendar: SendingCalendar): SendVerdict {
  const today = windowOn(now, calendar);
  const next = () => currentOrNextWindow(now.plus({ days: 1 }).startOf('day'), calendar).start;
  if (!today) return { ok: false, reason: 'day_off', until: currentOrNextWindow(now, calendar).start };
  if (now < today.start) return pace.sentToday >= pace.dailyLimit ? { ok: false, reason: 'daily_limit', until: next() } : { ok: false, reason: 'before_window', until: today.start };
  if (now >= today.end) return { ok: false, reason: 'after_window', until: next() };
  if (pace.sentToday >= pace.dailyLimit) return { ok: false, reason: 'daily_limit', until: next() };
  return { ok: true };
}

/**
 * When the account should send its next message: the remaining quota spread evenly over the
 * remaining window, with jitter. The gap is `interval × (0.5 … 1.5)`, so on average sends keep
 * the even pace; recomputing after each send corrects any drift. The first send of a window
 * also lands at a random point of its first interval, never in a burst at the window's opening.
 * `slotsUsed`: how many messages just went out back to back (a burst); each takes a slot, so the
 * next one waits that many intervals, not one.
 */
export function nextSlot(now: DateTime, pace: AccountPace, calendar: SendingCalendar, random: () => number, slotsUsed = 1): DateTime {
  const verdict = maySend(now, pace, calendar);
  if (!verdict.ok && verdict.reason !== 'before_window') {
    const window = currentOrNextWindow(verdict.until, calendar);
    const interval = window.end.diff(window.start).as('milliseconds') / pace.dailyLimit;
    return window.start.plus({ milliseconds: Math.floor(interval * random()) });
  }
  const window = currentOrNextWindow(now, calendar);
  const from = now < window.start ? window.start : now;
  const remaining = pace.dailyLimit - pace.sentToday;
  const interval = window.end.diff(from).as('milliseconds') / remaining;
  const factor = now < window.start || remaining === 1 ? random() : Math.max(1, slotsUsed) - 0.5 + random();
  const slot = from.plus({ milliseconds: Math.floor(interval * factor) });
  return slot < window.end ? slot : window.end.minus({ milliseconds: 1 });
}

/**
 * When an account will have sent `count` more messages at the even pace: whole windows of
 * `dailyLimit`, the last one used in proportion. Null when there is nothing to send.
 */
export function eta(now: DateTime, pace: AccountPace, calendar: SendingCalendar, count: number): DateTime | null {
  if (count <= 0) return null;
  let left = count;
  let sentToday = pace.sentToday;
  let cursor = now;
  for (;;) {
    const window = currentOrNextWindow(cursor, calendar);
    const from = window.start > cursor ? window.start : cursor;
    const sameDay = from.hasSame(now, 'day');
    const capacity = pace.dailyLimit - (sameDay ? sentToday : 0);
    if (capacity > 0 && left <= capacity) {
      return from.plus({ milliseconds: (window.end.diff(from).as('milliseconds') * left) / capacity });
    }
    left -= Math.max(0, capacity);
    sentToday = 0;
    cursor = window.end.plus({ days: 1 }).startOf('day');
  }
}

/**
 * How many messages the account may send back to back at `now` (which maySend allows): as many
 * even-pace slots as fall within the next `horizonMs`, at least one, at most `max` and never past
 * the daily limit. Only a very fast pace gives more than one: an account allowed 2,880 a day has a
 * slot every 30 s of its window and always sends one at a time.
 */
export function burstSize(now: DateTime, pace: AccountPace, calendar: SendingCalendar, horizonMs: number, max: number): number {
  const remaining = pace.dailyLimit - pace.sentToday;
  const window = currentOrNextWindow(now, calendar);
  const interval = window.end.diff(now).as('milliseconds') / remaining;
  return Math.max(1, Math.min(max, remaining, Math.floor(horizonMs / interval)));
}
