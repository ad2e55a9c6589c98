import { describe, expect, it } from 'vitest';
import { negotiateLocale, parseAcceptLanguage } from '../../server/domain/locales.js';

/** Accept-Language comes from anyone (the public unsubscribe pages): it is read safely or ignored. */
describe('parseAcceptLanguage', () => {
  it('orders ranges by quality, ties in their order', () => {
    expect(parseAcceptLanguage('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5')).toEqual(['fr-ch', 'fr', 'en', 'de', '*']);
    expect(parseAcceptLanguage('de;q=0.5, fr;q=0.5, en;q=0.9')).toEqual(['en', 'de', 'fr']);
  });

  it('drops q=0 (not this language) and malformed ranges or qualities', () => {
    expect(parseAcceptLanguage('de;q=0, fr')).toEqual(['fr']);
    expect(parseAcceptLanguage('de;q=2, fr;q=abc, en;q=0.3')).toEqual(['en']);
    expect(parseAcceptLanguage('<script>, de-DE, ../../etc, fr;;;')).toEqual(['de-de']);
    expect(parseAcceptLanguage('abcdefghijk, en-abcdefghijk, x')).toEqual(['x']);
  });

  it('reads nothing from an empty or missing header', () => {
    expect(parseAcceptLanguage(undefined)).toEqual([]);
    expect(parseAcceptLanguage('')).toEqual([]);
    expect(parseAcceptLanguage(',,,;;;')).toEqual([]);
  });

  it('reads only the start of a huge header, quickly', () => {
    const huge = `${'xx;q=0.1,'.repeat(100_000)}de`;
    const started = performance.now();
    const ranges = parseAcceptLanguage(huge);
    expect(performance.now() - started).toBeLessThan(100);
    expect(ranges.length).toBeLessThanOrEqual(20);
    expect(ranges).not.toContain('de');
    // A pathological run of one character neither hangs nor matches.
    expect(parseAcceptLanguage('a'.repeat(1_000_000))).toEqual([]);
    expect(parseAcceptLanguage(`de;q=${'0'.repeat(1_000_000)}`)).toEqual([]);
  });
});

describe('negotiateLocale', () => {
  it('picks the first supported language by its primary subtag', () => {
    expect(negotiateLocale(['de-AT', 'en'])).toBe('de');
    expect(negotiateLocale(['es', 'fr-CA', 'de'])).toBe('fr');
    expect(negotiateLocale(parseAcceptLanguage('es;q=1, de;q=0.2, fr;q=0.8'))).toBe('fr');
  });

  it('falls back to English for nothing supported, a wildcard or garbage', () => {
    expect(negotiateLocale([])).toBe('en');
    expect(negotiateLocale(['*'])).toBe('en');
    expect(negotiateLocale(['es', 'it'])).toBe('en');
    expect(negotiateLocale(parseAcceptLanguage('\u0000de\u0000'))).toBe('en');
    expect(negotiateLocale(parseAcceptLanguage('__proto__, constructor'))).toBe('en');
  });
});
