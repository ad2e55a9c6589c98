/**
 * What comes back into a sender's mailbox after a mass mailing, and the rules that sort it.
 * Pure: server/mail/feedback reads the raw message and asks these rules; nothing here parses MIME.
 */

export const FEEDBACK_KINDS = ['hard_bounce', 'soft_bounce', 'complaint', 'reply', 'auto_reply', 'unsubscribe', 'unrelated'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

export type BounceSeverity = 'hard' | 'soft';

/** One address a bounce or a complaint is about. */
export interface FeedbackRecipient {
  /** Lowercased and valid; the address Mailroom sent to when the report tells it apart. */
  email: string;
  /** RFC 3464 Action (`failed`, `delayed`), lowercased; null when the report has none. */
  action: string | null;
  /** Enhanced status code (RFC 3463) such as `5.1.1`. */
  status: string | null;
  /** The remote server's answer, without control characters, at most 1000 characters. */
  diagnostic: string | null;
  remoteMta: string | null;
  /** A complaint is always hard: the recipient asked never to get this mail. */
  severity: BounceSeverity;
}

export interface Classified {
  kind: FeedbackKind;
  /** This message's own Message-ID, `<…>`: the intake's dedupe key. */
  messageId: string | null;
  /** The sender address, lowercased (who replied or unsubscribed). */
  from: string | null;
  date: Date | null;
  subject: string;
  /** Message-IDs it points at, `<…>`: the returned original's (bounce, complaint) or In-Reply-To + References (reply). */
  refs: string[];
  /** List-Id of the returned original, without brackets (`mailing-42.mailroom.example.com`). */
  listId: string | null;
  /** Bounces: each failed or delayed address; complaints: the complaining address. */
  recipients: FeedbackRecipient[];
  /** Replies and auto-replies: the start of the sender's own text. */
  excerpt: string | null;
}

/** Header fields by lowercased name, first occurrence, unfolded; `subject` decoded. */
export type MessageHeaders = Readonly<Partial<Record<string, string>>>;

interface StatusCode {
  klass: number;
  subject: number;
  detail: number;
}

// Bounded digit runs and no nested quantifiers: linear on any input. RFC 3463 defines subjects
// 0 to 7 (details reach three digits: Microsoft's 5.7.133), and a code is not part of a longer
// dotted number: an IP address such as 10.5.1.1 or a version such as Exim 4.97.1 holds no status.
const ENHANCED_STATUS = /(?<![\d.])([245])\.([0-7])\.(\d{1,3})(?!\.?\d)/;
// A basic SMTP reply code where servers and bounce formats put one: at the start of the text or
// right after "said:", "returned '", "<<<" or "#" (Exchange's "#550 5.1.1 … ##").
const SMTP_CODE = /(?:^|said:\s?|returned '|<<<\s?|#)([245])\d\d(?![\d.])/i;

// The address is gone or was never there. Phrases from Postfix, Exim, Sendmail, qmail, Gmail,
// Microsoft and Yahoo; read only when no code settles it or the code is a policy one (5.7.x).
const ADDRESS_GONE =
  /\b(?:user unknown|unknown user|no such (?:user|mailbox|recipient|address)|mailbox (?:unavailable|not found|does not exist)|does(?: not|n'?t) exist|unknown (?:recipient|mailbox|local[- ]part)|(?:recipient|user|address) not found|couldn'?t be found|invalid (?:recipient|mailbox)|account (?:has been |is )?(?:disabled|deactivated|closed|suspended)|unrouteable address)\b/i;
// Passing conditions: the mailbox exists but cannot take mail now, or the path to it is down.
const PASSING =
  /\b(?:over ?quota|quota exceeded|exceeded (?:the |their |its )?(?:storage |mailbox )?quota|mailbox (?:is )?full|mailbox size limit|insufficient (?:system )?storage|temporar(?:y|ily)|try (?:again )?later|greylist(?:ed|ing)?|timed? ?out|deferred)\b/i;

function parseStatus(text: string | null): StatusCode | null {
  const m = text ? ENHANCED_STATUS.exec(text) : null;
  return m ? { klass: Number(m[1]), subject: Number(m[2]), detail: Number(m[3]) } : null;
}

/** The first enhanced status code (RFC 3463) in a server's answer, e.g. `5.1.1` from `550 5.1.1 <x>: User unknown`. */
export function enhancedStatusIn(text: string | null): string | null {
  const s = parseStatus(text);
  return s ? `${s.klass}.${s.subject}.${s.detail}` : null;
}

/** What the words of an answer say, when they say anything: passing conditions win, being the cautious reading. */
function severityOfText(diagnostic: string | null): BounceSeverity | null {
  if (!diagnostic) return null;
  if (PASSING.test(diagnostic)) return 'soft';
  if (ADDRESS_GONE.test(diagnostic)) return 'hard';
  return null;
}

function severityOfCode(code: StatusCode, diagnostic: string | null): BounceSeverity | null {
  // 4.x.x: transient by definition (RFC 3463 §3.1), even when the MTA finally gave up.
  if (code.klass === 4) return 'soft';
  // 2.x.x in a failure report contradicts itself: let the words or the action decide.
  if (code.klass !== 5) return null;
  // 5.2.2 mailbox full: the mailbox exists; Gmail, Microsoft and the big senders retry it.
  if (code.subject === 2 && code.detail === 2) return 'soft';
  // 5.3.4 message too big: refuses this message, not the address.
  if (code.subject === 3 && code.detail === 4) return 'soft';
  // 5.4.7 delivery time expired: the MTA gave up after passing failures.
  if (code.subject === 4 && code.detail === 7) return 'soft';
  // 5.7.x policy (spam blocks, blocklisted sender, unauthorised sender): it judges the sender or
  // the content, so the address may take the next mailing; hard only when the words say it is gone.
  if (code.subject === 7) return severityOfText(diagnostic) === 'hard' ? 'hard' : 'soft';
  return 'hard';
}

/**
 * Hard (the address will never take mail: stop mailing it) or soft (try again another time) for
 * one recipient of a bounce. `status` is the report's Status field, `action` its Action (RFC 3464),
 * `diagnostic` the remote server's answer.
 */
export function bounceSeverity(status: string | null, action: string | null, diagnostic: string | null): BounceSeverity {
  // The MTA is still trying: nothing is final yet.
  if (action?.toLowerCase() === 'delayed') return 'soft';
  const reported = parseStatus(status);
  const undefinedDetail = (c: StatusCode) => c.subject === 0 && c.detail === 0;
  // X.0.0 is "other undefined status": a more specific code in the server's answer says more.
  const code = !reported || undefinedDetail(reported) ? (parseStatus(diagnostic) ?? reported) : reported;
  const byCode = code ? severityOfCode(code, diagnostic) : null;
  // A bare 5.0.0 tells only the class: the words may still say "mailbox full".
  if (byCode === 'hard' && code && undefinedDetail(code)) return severityOfText(diagnostic) ?? 'hard';
  if (byCode) return byCode;
  const basic = diagnostic ? SMTP_CODE.exec(diagnostic.trim()) : null;
  if (basic?.[1] === '4') return 'soft';
  if (basic?.[1] === '5') return severityOfText(diagnostic) === 'soft' ? 'soft' : 'hard';
  // No code at all: the words, else the reporting MTA's own verdict ("failed" is final).
  return severityOfText(diagnostic) ?? (action?.toLowerCase() === 'failed' ? 'hard' : 'soft');
}

/** A bounce is hard when any of its recipients is; each recipient keeps its own severity. */
export const bounceKind = (recipients: readonly { severity: BounceSeverity }[]): 'hard_bounce' | 'soft_bounce' =>
  recipients.some((r) => r.severity === 'hard') ? 'hard_bounce' : 'soft_bounce';

// Subjects auto-responders put first. Anchored at the start and only a fallback: a person's
// "Re: Out of office party" is not one, and headers decide whenever a responder sets them.
const AUTO_REPLY_SUBJECT =
  /^\s*(?:out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?(?:reply|response|answer)|autoreply|abwesenheitsnotiz|automatische antwort|r[ée]ponse automatique|autosvar|fuera de la oficina|respuesta autom[áa]tica|risposta automatica|automatisch antwoord)(?=[\s:.,!-]|$)/i;

/** The token of a header such as `Auto-Submitted: auto-replied; owner-email=…` or `Precedence: bulk (x)`. */
const token = (value: string | undefined) => (value ?? '').trim().toLowerCase().split(/[\s;(]/, 1)[0];

const answersSomething = (h: MessageHeaders) => !!(h['in-reply-to']?.trim() || h['references']?.trim());

/**
 * Is this an automatic answer to a message (out of office, vacation, "we got your mail")?
 * - `Auto-Submitted` other than `no` (RFC 3834; `auto-generated` covers bounces too, which are
 *   recognised before this rule is asked);
 * - `X-Autoreply` / `X-Autorespond` (vacation programs, cPanel, many hosters) and Hotmail's
 *   `X-Autogenerated: Reply`;
 * - `Precedence: auto_reply`; `bulk` and `junk` only on a message that answers something
 *   (In-Reply-To / References): vacation(1) marks its answers so, but a newsletter is bulk too
 *   and answers nothing;
 * - the subject, as a fallback for responders that set none of these (older Exchange).
 * `X-Auto-Response-Suppress` is no sign: Outlook puts it on ordinary mail to ask others not to answer.
 */
export function isAutoReply(headers: MessageHeaders): boolean {
  const submitted = token(headers['auto-submitted']);
  if (submitted && submitted !== 'no') return true;
  const autoreply = token(headers['x-autoreply']);
  if (autoreply && autoreply !== 'no') return true;
  if (headers['x-autorespond'] !== undefined) return true;
  if (token(headers['x-autogenerated']) === 'reply') return true;
  const precedence = token(headers['precedence']);
  if (precedence === 'auto_reply') return true;
  if ((precedence === 'bulk' || precedence === 'junk') && answersSomething(headers)) return true;
  return AUTO_REPLY_SUBJECT.test(headers['subject'] ?? '');
}

// Mail systems write as these: bounces (MAILER-DAEMON, postmaster) and Microsoft 365's NDRs
// (MicrosoftExchange followed by 32 hex digits).
const DELIVERY_SYSTEM = /^(?:mailer-daemon|mailerdaemon|mail-daemon|postmaster|microsoftexchange[0-9a-f]{32})$/i;
const NO_REPLY = /^(?:no-?reply|do-?not-?reply|donotreply)(?:[-+._].*)?$/i;

/** Is this the address of a mail system, the sender of bounces? */
export const isDeliverySystem = (address: string | null) => !!address && DELIVERY_SYSTEM.test(address.slice(0, address.lastIndexOf('@')));

/**
 * Was this sent by a machine rather than typed by a person: auto-replies, anything
 * Auto-Submitted, lists and newsletters (List-Id, List-Unsubscribe, Precedence bulk/list/junk),
 * null senders (`Return-Path: <>`, what bounces and RFC 3834 responders use), mail systems and
 * no-reply addresses. A message from a machine counts as a reply only when it points at a message.
 */
export function isAutomated(headers: MessageHeaders, from: string | null): boolean {
  if (isAutoReply(headers)) return true;
  if (headers['list-id'] !== undefined || headers['list-unsubscribe'] !== undefined) return true;
  if (['bulk', 'list', 'junk'].includes(token(headers['precedence']))) return true;
  if ((headers['return-path'] ?? '').replace(/\s/g, '') === '<>') return true;
  if (isDeliverySystem(from)) return true;
  return !!from && NO_REPLY.test(from.slice(0, from.lastIndexOf('@')));
}

const UNSUBSCRIBE_WORDS = new Set(['unsubscribe', 'unsubscribe me', 'unsubscribe please', 'please unsubscribe', 'please unsubscribe me']);
// Short texts only: anything longer is no bare request (and the patterns stay cheap).
const words = (s: string) => (s.length > 60 ? '' : s.trim().toLowerCase().replace(/[\s.!]+$/, '').replace(/\s+/g, ' '));

/**
 * An unsubscribe request by mail: Mailroom's List-Unsubscribe offers
 * `mailto:<address>?subject=unsubscribe`, which mail clients send as is, and people who answer
 * "unsubscribe" write little else. `addressed`: sent to an address that takes such requests
 * (null when the caller names none, and then only the subject counts). `ownText`: the sender's
 * own words, quotes and signature removed.
 */
export function isUnsubscribeRequest(subject: string, ownText: string | null, addressed: boolean | null): boolean {
  if (addressed === false) return false;
  if (UNSUBSCRIBE_WORDS.has(words(subject))) return true;
  return addressed === true && ownText !== null && UNSUBSCRIBE_WORDS.has(words(ownText));
}
