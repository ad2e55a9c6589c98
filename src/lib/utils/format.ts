import { locale } from '$lib/i18n/locale.svelte';
import { m } from '$lib/paraglide/messages';

/**
 * How dates, times, numbers, sizes and relative times read on screen: Intl in the UI's language,
 * times in the signed-in user's zone. The only place the UI formats them.
 */

const toDate = (iso: string): Date | null => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
};

export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const d = toDate(iso);
  return d ? new Intl.DateTimeFormat(locale.current, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d) : iso;
}

export function formatDate(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const d = toDate(iso);
  return d ? new Intl.DateTimeFormat(locale.current, { dateStyle: 'medium', timeZone }).format(d) : iso;
}

/** A date or time with the caller's own parts (a chart's axis). */
export const formatParts = (date: Date, options: Intl.DateTimeFormatOptions): string => new Intl.DateTimeFormat(locale.current, options).format(date);

export const formatNumber = (n: number): string => new Intl.NumberFormat(locale.current).format(n);

/** 42 → "42%" ("42 %" in French). */
export const formatPercent = (percent: number, digits = 0): string => new Intl.NumberFormat(locale.current, { style: 'percent', maximumFractionDigits: digits }).format(percent / 100);

/** A wait in seconds, or in minutes from two minutes on, as the server counts it. */
export function formatWait(seconds: number): string {
  const [value, unit] = seconds < 120 ? [seconds, 'second'] : [Math.ceil(seconds / 60), 'minute'];
  return new Intl.NumberFormat(locale.current, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}

/** Sizes in binary steps with the language's unit symbols (B/KB/MB, French o/Ko/Mo). */
export function formatBytes(bytes: number): string {
  const n = (value: number) => new Intl.NumberFormat(locale.current, { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(value);
  if (bytes < 1024) return m.size_bytes({ n: formatNumber(bytes) });
  if (bytes < 1024 * 1024) return m.size_kb({ n: n(bytes / 1024) });
  return m.size_mb({ n: n(bytes / 1024 / 1024) });
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** Short relative times ("in 25 sec.", "3 min. ago", "now"), in the largest unit that fits. */
export function formatRelative(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const d = toDate(iso);
  if (!d) return iso;
  let value = (d.getTime() - now) / 1000;
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(value) < size) return new Intl.RelativeTimeFormat(locale.current, { numeric: 'auto', style: 'short' }).format(Math.round(value), unit);
    value /= size;
  }
  return formatDate(iso);
}
