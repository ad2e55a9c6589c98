import { addressesIn } from './addresses.js';
import { cleanOrNull } from './clean-text.js';
import { MAX_DIAGNOSTIC } from './delivery-status.js';

/**
 * Bounces without a machine-readable report: the text that mail systems write for people.
 * One rule per family of mail systems, each recognising its own wording, then a generic rule
 * that finds `550 5.1.1 <addr>` lines. The caller asks only for messages that come from a mail
 * system (MAILER-DAEMON, postmaster, a null sender, X-Failed-Recipients), and passes only the
 * report, the lines before the copy of the returned message.
 */

export interface FoundRecipient {
  email: string;
  action: 'failed' | 'delayed';
  diagnostic: string | null;
}

interface BounceRule {
  /** Is this the family's wording? `text` is the report, lowercased. */
  matches(text: string): boolean;
  read(lines: readonly string[], text: string): FoundRecipient[];
}

const isBlank = (line: string) => line.trim() === '';
const diagnosticOf = (lines: readonly string[]) => cleanOrNull(lines.join(' '), MAX_DIAGNOSTIC);

/** The non-blank lines after `from`, skipping blank lines before them, up to the next blank line. */
function paragraphAfter(lines: readonly string[], from: number): string[] {
  let i = from;
  while (i < lines.length && isBlank(lines[i])) i++;
  const paragraph: string[] = [];
  for (; i < lines.length && !isBlank(lines[i]); i++) paragraph.push(lines[i].trim());
  return paragraph;
}

const indexOfLine = (lines: readonly string[], pattern: RegExp) => lines.findIndex((line) => pattern.test(line));

/** Blocks that start with `<address>:` (Postfix, qmail), the rest of the block, up to a blank line, being the server's answer. */
function angleBlocks(lines: readonly string[], action: FoundRecipient['action']): FoundRecipient[] {
  const found: FoundRecipient[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^<([^<>\s]{3,254})>:?(.*)$/.exec(lines[i]);
    const [email] = m ? addressesIn(`<${m[1]}>`, 1) : [];
    if (!m || !email) continue;
    const block = [m[2].trim()];
    while (i + 1 < lines.length && !isBlank(lines[i + 1]) && !lines[i + 1].startsWith('<')) block.push(lines[++i].trim());
    found.push({ email, action, diagnostic: diagnosticOf(block) });
  }
  return found;
}

/** `text` without `char` at either end; a loop, as /#+$/ would retry every run of the character. */
function trimAll(text: string, char: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === char) start++;
  while (end > start && text[end - 1] === char) end--;
  return text.slice(start, end);
}

/**
 * Microsoft's answer in an NDR line: "Remote Server returned '550 5.1.10 RESOLVER…'" (Exchange
 * Online) or "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##" (older Exchange); null otherwise.
 */
function microsoftAnswer(line: string): string | null {
  const t = line.trim();
  if (/^remote server returned '/i.test(t)) return trimAll(t.slice('remote server returned '.length), "'");
  return t.startsWith('#') ? trimAll(t, '#').trim() : null;
}

const RULES: Record<string, BounceRule> = {
  // Gmail and Google Workspace: "** Address not found ** … Your message wasn't delivered to x
  // because … The response was: …", and the older "Delivery to the following recipient failed
  // permanently: x … Technical details of permanent failure: …".
  google: {
    matches: (text) =>
      /delivery to the following recipients? (?:failed permanently|has been delayed|have been delayed)|your message wasn't delivered to|there was (?:a|a temporary) problem delivering your message to/.test(text),
    read(lines, text) {
      const delayed = /has been delayed|have been delayed|temporary problem|delivery incomplete|will retry/.test(text);
      const emails: string[] = [];
      const list = indexOfLine(lines, /^\s*delivery to the following recipients? /i);
      if (list !== -1) for (const line of paragraphAfter(lines, list + 1)) emails.push(...addressesIn(line, 5));
      for (const line of lines) if (/wasn't delivered to|delivering your message to/i.test(line)) emails.push(...addressesIn(line, 5));
      const answer = indexOfLine(lines, /^\s*(?:the error that the other server returned was|the response (?:from the remote server )?was):?\s*$/i);
      const details = indexOfLine(lines, /^\s*technical details of (?:permanent|temporary) failure:?\s*$/i);
      const at = answer !== -1 ? answer : details;
      const diagnostic = at === -1 ? null : diagnosticOf(paragraphAfter(lines, at + 1));
      return [...new Set(emails)].map((email) => ({ email, action: delayed ? 'delayed' : 'failed', diagnostic }));
    },
  },

  // Microsoft 365, Exchange and Outlook.com (NDR): the section "Diagnostic information for
  // administrators" lists each address with the remote answer below it; without that section,
  // "Delivery has failed to these recipients or groups:" lists each address above an explanation.
  microsoft: {
    matches: (text) => /delivery has failed to these recipients or groups|delivery is delayed to these recipients or groups|diagnostic information for administrators|your message to \S{1,254} couldn't be delivered/.test(text),
    read(lines, text) {
      const action = /delivery is delayed to these recipients or groups|hasn't been delivered yet|delivery is delayed/.test(text) ? 'delayed' : 'failed';
      const found: FoundRecipient[] = [];
      const admin = indexOfLine(lines, /^\s*diagnostic information for administrators:?\s*$/i);
      if (admin !== -1) {
        let current: FoundRecipient | null = null;
        for (const line of lines.slice(admin + 1)) {
          const answer = microsoftAnswer(line);
          if (answer !== null) {
            if (current) current.diagnostic ??= diagnosticOf([answer]);
            continue;
          }
          if (/^\s*generating server:/i.test(line) || line.length > 400) continue;
          const [email] = addressesIn(line, 1);
          if (email) found.push((current = { email, action, diagnostic: null }));
        }
      }
      if (found.length) return found;
      const list = indexOfLine(lines, /^\s*delivery (?:has failed|is delayed) to these recipients or groups:?\s*$/i);
      for (let i = list === -1 ? lines.length : list + 1; i < lines.length; i++) {
        const [email] = isBlank(lines[i]) ? [] : addressesIn(lines[i], 1);
        if (!email) continue;
        const explanation = paragraphAfter(lines, i + 1);
        found.push({ email, action, diagnostic: diagnosticOf(explanation) });
        i += explanation.length;
      }
      return found;
    },
  },

  // Postfix (older ones, or those configured without DSN): "This is the mail system at host …",
  // then "<addr>: host … said: 550 5.1.1 …" blocks; "THIS IS A WARNING ONLY" when delayed.
  postfix: {
    matches: (text) => text.includes('this is the mail system at host') || text.includes('this is the postfix program at host'),
    read: (lines, text) => angleBlocks(lines, text.includes('this is a warning only') || text.includes('delayed mail') ? 'delayed' : 'failed'),
  },

  // Exim: "This message was created automatically by mail delivery software. … The following
  // address(es) failed:", each address indented by two spaces, its answer indented further.
  exim: {
    matches: (text) => text.includes('this message was created automatically by mail delivery software'),
    read(lines, text) {
      const action = /has not yet been delivered|have yet to be delivered|delivery attempts will continue/.test(text) ? 'delayed' : 'failed';
      const start = indexOfLine(lines, /following address\(es\) (?:failed|have yet to be delivered|deferred)|could not be delivered to one or more|has not yet been delivered to one or more/i);
      const entries: { email: string; block: string[] }[] = [];
      for (const line of start === -1 ? [] : lines.slice(start + 1)) {
        if (isBlank(line)) continue;
        const depth = /^[ \t]*/.exec(line)![0].length;
        if (depth === 0) {
          // Prose between the header line and the list, or the end of the list.
          if (entries.length) break;
          continue;
        }
        const [email] = depth <= 3 ? addressesIn(line, 1) : [];
        const t = line.trim();
        if (email) entries.push({ email, block: [t.toLowerCase().startsWith(email) ? t.slice(email.length).replace(/^[:\s]+/, '') : ''] });
        else entries.at(-1)?.block.push(t);
      }
      return entries.map(({ email, block }) => ({ email, action, diagnostic: diagnosticOf(block) }));
    },
  },

  // Sendmail without DSN: "----- The following addresses had permanent fatal errors -----",
  // then "<addr>" and "    (reason: 550 5.1.1 … User unknown)".
  sendmail: {
    matches: (text) => /the following addresses had (?:permanent fatal|transient non-fatal) errors/.test(text),
    read(lines, text) {
      const action = text.includes('permanent fatal errors') ? 'failed' : 'delayed';
      const start = indexOfLine(lines, /the following addresses had (?:permanent fatal|transient non-fatal) errors/i);
      const found: FoundRecipient[] = [];
      for (const line of paragraphAfter(lines, start + 1)) {
        const reason = /^\(reason:\s*(.*?)\)?$/i.exec(line);
        if (reason && found.length) found[found.length - 1].diagnostic ??= diagnosticOf([reason[1]]);
        else if (!reason && !/^\(expanded from:/i.test(line)) for (const email of addressesIn(line, 1)) found.push({ email, action, diagnostic: null });
      }
      return found;
    },
  },

  // qmail: "Hi. This is the qmail-send program at …", then "<addr>:" blocks.
  qmail: {
    matches: (text) => text.includes('this is the qmail-send program'),
    read: (lines) => angleBlocks(lines, 'failed'),
  },
};

// A server's answer that names a code, an enhanced code and an address, all in one line.
const ANSWER_LINE = /(?<![\w.])[45]\d\d[ -][245]\.[0-7]\.\d{1,3}(?![\d.])/;

/**
 * Any other mail system: lines such as `550 5.1.1 <bob@example.org>: User unknown`. A line about
 * the sender ("Sender address rejected", "MAIL FROM:<…>") names Mailroom's account, not a recipient.
 */
function genericAnswers(lines: readonly string[]): FoundRecipient[] {
  const found: FoundRecipient[] = [];
  for (const line of lines) {
    if (!ANSWER_LINE.test(line) || /\bsender\b|mail from/i.test(line)) continue;
    const [email] = addressesIn(line, 1);
    if (email) found.push({ email, action: 'failed', diagnostic: diagnosticOf([line.trim()]) });
  }
  return found;
}

const MAX_LINE = 4000; // no line of a bounce report is longer; the cap keeps every pattern's work per line small

/**
 * The recipients a bounce without a report names, each once, at most `max`. `failedRecipients`:
 * the X-Failed-Recipients header (Exim, Gmail), the last resort when the text says nothing usable.
 */
export function readNonstandardBounce(report: readonly string[], failedRecipients: string | undefined, max: number): FoundRecipient[] {
  const lines = report.map((line) => line.slice(0, MAX_LINE).replace(/\u2019/g, "'"));
  const text = lines.join('\n').toLowerCase();
  let found: FoundRecipient[] = [];
  for (const rule of Object.values(RULES)) {
    if (rule.matches(text)) found = rule.read(lines, text);
    if (found.length) break;
  }
  if (!found.length) found = genericAnswers(lines);
  if (!found.length && failedRecipients) {
    const diagnostic = lines.find((line) => ANSWER_LINE.test(line));
    found = addressesIn(failedRecipients, max).map((email) => ({ email, action: 'failed', diagnostic: diagnosticOf([diagnostic ?? '']) }));
  }
  const seen = new Set<string>();
  return found.filter((r) => !seen.has(r.email) && seen.add(r.email)).slice(0, max);
}
