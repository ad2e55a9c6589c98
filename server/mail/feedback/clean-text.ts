/**
 * Text written by a stranger, made fit to store and show: control characters, zero-width and
 * bidirectional-override characters (which make a screen show something other than what is
 * stored) become spaces, white space collapses, and at most `max` characters remain.
 */
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]+/g;

export function cleanText(text: string, max: number): string {
  // Cleaning reads a bounded slice: collapsing can only shorten, so 4× leaves room for it.
  const cleaned = text.slice(0, max * 4).replace(UNSHOWABLE, ' ').replace(/\s+/g, ' ').trim();
  return cutAt(cleaned, max);
}

/** `text` cut to at most `max` UTF-16 units, never between the halves of a surrogate pair. */
export function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\ud800-\udbff]/.test(text[max - 1]) ? max - 1 : max;
  return text.slice(0, end);
}

/** Null for text that cleans down to nothing. */
export const cleanOrNull = (text: string | null | undefined, max: number) => (text ? cleanText(text, max) || null : null);
