/**
 * The languages Mailroom speaks and how a list of preferred languages (a browser's
 * navigator.languages, an Accept-Language header) picks one of them. English is the fallback.
 */
export const LOCALES = ['en', 'de', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];
export const BASE_LOCALE: Locale = 'en';

/** The language names as each language writes its own, for the chooser. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch', fr: 'Français' };

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

// A header is the client's: only so much of it is read, and only so many ranges.
const MAX_HEADER = 512;
const MAX_RANGES = 20;
const RANGE = /^(\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/i;
const QUALITY = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;

/**
 * The language ranges of an Accept-Language header, best first (RFC 9110 §12.5.4). Malformed
 * ranges and qualities are skipped, q=0 means "not this", and a huge header is cut short first.
 */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (!header) return [];
  const ranges: { tag: string; q: number; order: number }[] = [];
  for (const part of header.slice(0, MAX_HEADER).split(',').slice(0, MAX_RANGES)) {
    const [tag = '', ...params] = part.trim().split(';').map((s) => s.trim());
    if (!RANGE.test(tag)) continue;
    let q = 1;
    for (const param of params) {
      const match = QUALITY.exec(param);
      q = match ? Number(match[1]) : Number.NaN;
    }
    if (Number.isNaN(q) || q <= 0) continue;
    ranges.push({ tag: tag.toLowerCase(), q, order: ranges.length });
  }
  return ranges.sort((a, b) => b.q - a.q || a.order - b.order).map((r) => r.tag);
}

/** The first supported language among the preferred ones ("de-AT" is German), else English. */
export function negotiateLocale(preferred: readonly string[]): Locale {
  for (const range of preferred) {
    const primary = range.toLowerCase().split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return BASE_LOCALE;
}
