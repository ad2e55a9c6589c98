import { DateTime } from 'luxon';

/** The organisation's sending calendar: a daily window and the weekdays mail may go out. */
export interface SendingCalendar {
  /** 'HH:MM', local to the account's zone. */
  windowStart: string;
  windowEnd: string;
  /** Luxon weekdays, 1 = Monday … 7 = Sunday. */
  businessDays: number[];
}

export interface Window {
  start: DateTime;
  end: DateTime;
}

const atTime = (day: DateTime, hhmm: string) => {
  const [hour, minute] = hhmm.split(':').map(Number);
  return day.startOf('day').set({ hour, minute });
};

export function isBusinessDay(day: DateTime, calendar: SendingCalendar): boolean {
  return calendar.businessDays.includes(day.weekday);
}

/** The sending window of the day that contains `day` (in its zone), or null on a day off. */
export function windowOn(day: DateTime, calendar: SendingCalendar): Window | null {
  if (!isBusinessDay(day, calendar)) return null;
  return { start: atTime(day, calendar.windowStart), end: atTime(day, calendar.windowEnd) };
}

/** The first window that has not ended at `now`: today's if still open or ahead, else the next business day's. */
export function currentOrNextWindow(now: DateTime, calendar: SendingCalendar): Window {
  if (calendar.businessDays.length === 0) throw new Error('A sending calendar needs at least one business day');
  for (let offset = 0; offset <= 7; offset++) {
    const window = windowOn(now.plus({ days: offset }), calendar);
    if (window && window.end > now) return window;
  }
  throw new Error('unreachable: a business day occurs every week');
}

/** Start of the account's calendar day, the boundary of its daily limit. */
export function dayStart(now: DateTime): DateTime {
  return now.startOf('day');
}

/** `now` in `zone`, and the start of that day there: where a "sent today" count begins. */
export function todayIn(zone: string, now: Date): { local: DateTime; start: Date } {
  const local = DateTime.fromJSDate(now, { zone });
  return { local, start: dayStart(local).toJSDate() };
}

/** The organisation's sending calendar, read from its settings. */
export const calendarOf = (settings: SendingCalendar): SendingCalendar => ({ windowStart: settings.windowStart, windowEnd: settings.windowEnd, businessDays: settings.businessDays });
