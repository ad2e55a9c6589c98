import { cleanText, cutAt } from './clean-text.js';
import { messageIdsIn } from './message-ids.js';

/**
 * What a reply points at and what its sender wrote: In-Reply-To and References, and the start of
 * the new text (the text part, or the HTML's text, see read-message.ts), without the quoted
 * original, the "On … wrote:" line above it and the signature.
 */

export const MAX_EXCERPT = 300;
const MAX_REFS = 100;
const MAX_TEXT = 64 * 1024; // the new text comes first; what follows is quotes
const MAX_ATTRIBUTION = 600; // an "On … wrote:" line is never longer

/**
 * In-Reply-To first, then References, each once. A thread's References can grow long; at most
 * 100 are kept, the most recent ones, as the message a reply answers is at the end.
 */
export function replyRefs(inReplyTo: string | undefined, references: string | undefined): string[] {
  const refs = messageIdsIn(inReplyTo, 1);
  const listed = messageIdsIn(references, 10_000);
  for (const id of listed.slice(-MAX_REFS)) if (!refs.includes(id)) refs.push(id);
  return refs.slice(0, MAX_REFS);
}

// "On Mon, 6 Jan 2025 at 10:00, Ann <ann@x> wrote:" and its translations; the German, Dutch and
// Scandinavian forms put the verb before the name. Bounded wildcards on a bounded line.
const ATTRIBUTION =
  /^(?:on|am|le|el|il|op|em|den|på)\s.{0,500}\b(?:wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|skrev)(?![a-z]).{0,300}:\s*$/i;
// Outlook writes the quoted message's header instead: "From: …" followed by "Sent: …".
const OUTLOOK_FROM = /^\*?(?:from|von|de|da|van|från)\s?:/i;
const OUTLOOK_SENT = /^\*?(?:sent|date|gesendet|datum|envoyé|enviado|inviato|verzonden|skickat)\s?:/i;
const SEPARATOR = /^(?:-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original|forwarded message)|_{10,}$|begin forwarded message:)/i;

function isQuoteStart(lines: readonly string[], i: number): boolean {
  const line = lines[i].trim();
  if (line.length > MAX_ATTRIBUTION) return false;
  if (SEPARATOR.test(line) || ATTRIBUTION.test(line)) return true;
  // Gmail wraps a long attribution over two lines.
  const next = (lines[i + 1] ?? '').trim();
  if (next.length < MAX_ATTRIBUTION && /^(?:on|am|le|el)\s/i.test(line) && ATTRIBUTION.test(`${line} ${next}`)) return true;
  return OUTLOOK_FROM.test(line) && lines.slice(i + 1, i + 5).some((l) => OUTLOOK_SENT.test(l.trim()));
}

/** The sender's own words in a message's text. */
export function ownText(text: string): string {
  const lines = cutAt(text, MAX_TEXT).split(/\r?\n/);
  const own: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    // The signature delimiter (RFC 3676 §4.3), also as clients that strip trailing spaces leave it.
    if (/^-- ?$/.test(lines[i]) || isQuoteStart(lines, i)) break;
    if (!lines[i].trimStart().startsWith('>')) own.push(lines[i]);
  }
  return own.join('\n').trim();
}

/** The start of the sender's own words, at most 300 characters, null when there are none. */
export function replyExcerpt(text: string): string | null {
  const words = cleanText(ownText(text), MAX_EXCERPT * 2);
  if (!words) return null;
  return words.length <= MAX_EXCERPT ? words : `${cutAt(words, MAX_EXCERPT - 1).trimEnd()}…`;
}
