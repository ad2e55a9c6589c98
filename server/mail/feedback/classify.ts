import {
  bounceKind,
  bounceSeverity,
  enhancedStatusIn,
  isAutoReply,
  isAutomated,
  isDeliverySystem,
  isUnsubscribeRequest,
  type Classified,
  type FeedbackRecipient,
} from '../../domain/feedback.js';
import { FEEDBACK_REPORT_TYPE, readAbuseReport } from './abuse-report.js';
import { DELIVERY_STATUS_TYPES, readDeliveryStatus, type ReportedRecipient } from './delivery-status.js';
import { linesOf } from './header-fields.js';
import { readNonstandardBounce } from './nonstandard-bounces.js';
import { readMessage, type IncomingMessage } from './read-message.js';
import { ownText, replyExcerpt, replyRefs } from './reply.js';
import { RETURNED_TYPES, readPastedCopy, readReturnedPart, splitAtCopy, type ReturnedMessage } from './returned-message.js';

/**
 * The front door: one raw message from a sender's mailbox in, what it means for the mailings out.
 * Every message is a stranger's, so every step has a bound and nothing here throws on bad bytes:
 * what cannot be read is `unrelated`.
 */

export const FEEDBACK_LIMITS = {
  /**
   * Bytes of the raw message read. What decides is at the front: the header section, the report
   * parts (RFC 6522 puts them before the returned message) and the returned message's own header
   * section. The tail is the returned message's body and attachments, so cutting it costs nothing,
   * while a mailbox takes messages of 25 MB and more, which would otherwise all be parsed in memory.
   */
  rawBytes: 2 * 1024 * 1024,
  /** Recipients read from one bounce: the rest of a larger one is not read. */
  recipients: 1000,
} as const;

export interface ClassifyOptions {
  /**
   * Addresses that take unsubscribe requests by mail (the organisation's unsubscribe address, the
   * account's own). When given, only a message to one of them can be an unsubscribe request, and
   * then its text may say "unsubscribe" instead of its subject.
   */
  unsubscribeAddresses?: readonly string[];
}

const NOTHING: ReturnedMessage = { messageId: null, listId: null, to: [] };

function returnedMessage(message: IncomingMessage, pastedCopy: readonly string[] | null): ReturnedMessage {
  const part = message.parts.find((p) => RETURNED_TYPES.has(p.contentType));
  if (part) return readReturnedPart(part.content);
  return (pastedCopy && readPastedCopy(pastedCopy)) ?? NOTHING;
}

/** The original's Message-ID, then what the report itself points at (Microsoft's NDRs set In-Reply-To). */
const bounceRefs = (message: IncomingMessage, returned: ReturnedMessage) => [
  ...new Set([returned.messageId, ...replyRefs(message.headers['in-reply-to'], message.headers['references'])].filter((id): id is string => id !== null)),
];

const withSeverity = (r: ReportedRecipient): FeedbackRecipient => ({ ...r, severity: bounceSeverity(r.status, r.action, r.diagnostic) });

/** The recipients a DSN reports as failed or delayed; a block without an Action counts when its status is 4.x.x or 5.x.x. */
const undelivered = (r: ReportedRecipient) => r.action === 'failed' || r.action === 'delayed' || (!['delivered', 'relayed', 'expanded'].includes(r.action ?? '') && /^[45]/.test(r.status ?? ''));

type Verdict = Omit<Classified, 'messageId' | 'from' | 'date' | 'subject'>;

const verdict = (kind: Classified['kind'], over: Partial<Verdict> = {}): Verdict => ({ kind, refs: [], listId: null, recipients: [], excerpt: null, ...over });

function bounce(message: IncomingMessage, recipients: FeedbackRecipient[], returned: ReturnedMessage): Verdict {
  return verdict(bounceKind(recipients), { refs: bounceRefs(message, returned), listId: returned.listId, recipients });
}

function classifyComplaint(message: IncomingMessage, content: Buffer): Verdict {
  const report = readAbuseReport(content.toString('utf8'), FEEDBACK_LIMITS.recipients);
  // Only `abuse` is a person calling the mail spam; `not-spam` says the opposite and
  // `auth-failure` (RFC 6591) is about DKIM/SPF, not about the recipient's wishes.
  if (report.feedbackType !== 'abuse') return verdict('unrelated');
  const returned = returnedMessage(message, null);
  // Without Original-Rcpt-To, the returned message's To is the complaining address, unless the provider redacted it.
  const emails = report.recipients.length ? report.recipients : returned.to;
  const recipients = emails.map((email): FeedbackRecipient => ({ email, action: null, status: null, diagnostic: null, remoteMta: null, severity: 'hard' }));
  return verdict('complaint', { refs: returned.messageId ? [returned.messageId] : [], listId: returned.listId, recipients });
}

/** A bounce, a success notice (unrelated), or null when the message is no delivery report this module can read. */
function classifyDeliveryReport(message: IncomingMessage): Verdict | null {
  const status = message.parts.find((p) => DELIVERY_STATUS_TYPES.has(p.contentType));
  if (status) {
    const reported = readDeliveryStatus(status.content.toString('utf8'), FEEDBACK_LIMITS.recipients);
    const failed = reported.filter(undelivered);
    if (failed.length) return bounce(message, failed.map(withSeverity), returnedMessage(message, null));
    // Every recipient delivered, relayed or expanded: a success notice.
    if (reported.length) return verdict('unrelated');
  }
  const fromMailSystem =
    isDeliverySystem(message.from) ||
    (message.headers['return-path'] ?? '').replace(/\s/g, '') === '<>' ||
    message.headers['x-failed-recipients'] !== undefined ||
    message.reportType === 'delivery-status';
  if (!fromMailSystem) return null;
  const { report, copy } = splitAtCopy(linesOf(message.text));
  const found = readNonstandardBounce(report, message.headers['x-failed-recipients'], FEEDBACK_LIMITS.recipients);
  if (!found.length) return null;
  // The status these formats leave out is the one in the server's answer.
  const recipients = found.map((r) => withSeverity({ ...r, status: enhancedStatusIn(r.diagnostic), remoteMta: null }));
  return bounce(message, recipients, returnedMessage(message, copy));
}

function classifyParsed(message: IncomingMessage, opts: ClassifyOptions): Verdict {
  const complaint = message.parts.find((p) => p.contentType === FEEDBACK_REPORT_TYPE);
  if (complaint) return classifyComplaint(message, complaint.content);
  const delivery = classifyDeliveryReport(message);
  if (delivery) return delivery;
  // A report or a mail system's notice that no rule could read (a read receipt, an unknown
  // bounce format) is never a reply, though bounces often carry In-Reply-To.
  if (message.reportType !== null || isDeliverySystem(message.from) || message.headers['x-failed-recipients'] !== undefined) return verdict('unrelated');

  const refs = replyRefs(message.headers['in-reply-to'], message.headers['references']);
  const wanted = opts.unsubscribeAddresses?.map((a) => a.toLowerCase());
  const addressed = wanted ? message.to.some((a) => wanted.includes(a)) : null;
  if (message.from && isUnsubscribeRequest(message.subject, ownText(message.text), addressed)) return verdict('unsubscribe', { refs });

  // Nobody to answer and nothing answered: no ledger entry can match it.
  if (!message.from && !refs.length) return verdict('unrelated');
  const excerpt = () => replyExcerpt(message.text);
  if (isAutoReply(message.headers)) return verdict('auto_reply', { refs, excerpt: excerpt() });
  if (refs.length || !isAutomated(message.headers, message.from)) return verdict('reply', { refs, excerpt: excerpt() });
  return verdict('unrelated');
}

/** What one incoming message is. Never throws on the message's content. */
export async function classifyMessage(raw: Buffer | string, opts: ClassifyOptions = {}): Promise<Classified> {
  const bytes = (typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw).subarray(0, FEEDBACK_LIMITS.rawBytes);
  const message = await readMessage(bytes);
  if (!message) return { ...verdict('unrelated'), messageId: null, from: null, date: null, subject: '' };
  return { ...classifyParsed(message, opts), messageId: message.messageId, from: message.from, date: message.date, subject: message.subject };
}
