import { simpleParser, type AddressObject } from 'mailparser';
import type { MessageHeaders } from '../../domain/feedback.js';
import { normaliseAddress } from './addresses.js';
import { cleanText } from './clean-text.js';
import { field, headerSection } from './header-fields.js';
import { htmlText } from './html-text.js';
import { normaliseMessageId } from './message-ids.js';

/** One incoming message as the classifier reads it: its header fields, its text and its parts. */
export interface IncomingMessage {
  headers: MessageHeaders;
  messageId: string | null;
  from: string | null;
  /** To and Cc. */
  to: string[];
  date: Date | null;
  subject: string;
  /** The `report-type` of a `multipart/report` message (RFC 6522), lowercased. */
  reportType: string | null;
  /** The text/plain parts, joined; the HTML's text when there are none. */
  text: string;
  /** Every part that is not text, content decoded: report parts and returned messages among them. */
  parts: { contentType: string; content: Buffer }[];
}

const MAX_SUBJECT = 998;
const MAX_HEADER_VALUE = 2000; // what the rules read of a header
const MAX_REFERENCES = 64 * 1024; // a long thread's References lists hundreds of Message-IDs

export const PARSER_OPTIONS = {
  // Report parts and returned messages come back as parts with their raw content, so their
  // fields and headers can be read; the parser would otherwise merge them into the text.
  keepDeliveryStatus: true,
  ignoreEmbedded: true,
  // Work the classifier has no use for: HTML from text, links, images inlined, checksums.
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true,
  checksumAlgo: false,
  // A real header section is a few KB; this refuses a hostile one long before mailsplit's 1 MB.
  maxHeadSize: 256 * 1024,
} as const;

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = [value ?? []].flat().flatMap((o) => o.value);
  return list.flatMap((a) => [a.address, ...(a.group ?? []).map((g) => g.address)]).map(normaliseAddress).filter((a): a is string => a !== null).slice(0, 50);
}

/** Null when the parser gives up on the bytes (a garbage message is no error to the caller). */
export async function readMessage(raw: Buffer): Promise<IncomingMessage | null> {
  const parsed = await simpleParser(raw, PARSER_OPTIONS).catch(() => null);
  if (!parsed) return null;
  const fields = headerSection(raw);
  const headers: Record<string, string> = {};
  for (const [name, values] of fields) headers[name] = values[0].slice(0, name === 'references' ? MAX_REFERENCES : MAX_HEADER_VALUE);
  const subject = cleanText(parsed.subject ?? '', MAX_SUBJECT);
  headers.subject = subject;
  const date = field(fields, 'date') ? new Date(field(fields, 'date')!) : null;
  const reportType = /^\s*multipart\/report\b[^]*?;\s*report-type\s*=\s*"?([a-z0-9-]{1,40})/i.exec(headers['content-type'] ?? '');
  return {
    headers,
    messageId: normaliseMessageId(field(fields, 'message-id')),
    from: addressesOf(parsed.from)[0] ?? null,
    to: addressesOf([parsed.to ?? [], parsed.cc ?? []].flat()),
    date: date && !Number.isNaN(date.getTime()) ? date : null,
    subject,
    reportType: reportType ? reportType[1].toLowerCase() : null,
    text: parsed.text?.trim() ? parsed.text : typeof parsed.html === 'string' ? htmlText(parsed.html) : '',
    parts: parsed.attachments.map((a) => ({ contentType: a.contentType.toLowerCase(), content: a.content })),
  };
}
