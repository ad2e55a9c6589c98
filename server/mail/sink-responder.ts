// Why this file exists: in the demo, nothing real answers the mail the sink swallows, so a few
// demo addresses answer by themselves, the way the real world does: a mailer daemon's bounce for
// an unknown user or a full mailbox, an out-of-office note, and a person's reply. The answers are
// written as real MTAs and mail clients write them, and go through the real classifier.
import { randomBytes } from 'node:crypto';

/** What a demo address answers, by the start of its local part. */
export const DEMO_ANSWERS = {
  'no-such-user': 'hard_bounce',
  'mailbox-full': 'soft_bounce',
  'on-holiday': 'auto_reply',
  'happy-customer': 'reply',
} as const;
type Answer = (typeof DEMO_ANSWERS)[keyof typeof DEMO_ANSWERS];

export interface SunkMessage {
  /** The sender's address (the From of the original). */
  from: string;
  to: string[];
  messageId: string | null;
  subject: string;
  /** The original's header block, as it came. */
  headers: string;
}

/** An answer due a minute or two after the original, as the demo wants to show it arriving. */
export interface SinkAnswer {
  recipient: string;
  kind: Answer;
  delayMs: number;
  raw: Buffer;
}

const HOST = 'sink.mailroom.localhost';
const crlf = (lines: string[]) => lines.join('\r\n');
const boundary = () => `=_${randomBytes(8).toString('hex')}`;
const newId = () => `<${randomBytes(12).toString('hex')}@${HOST}>`;
const date = (at: Date) => at.toUTCString().replace('GMT', '+0000');

function answerOf(address: string): Answer | null {
  const local = address.split('@')[0].toLowerCase();
  for (const [prefix, answer] of Object.entries(DEMO_ANSWERS)) if (local.startsWith(prefix)) return answer;
  return null;
}

/** An RFC 3464 report as Postfix writes it: a note for people, the per-recipient status, and the original's headers. */
function deliveryReport(original: SunkMessage, recipient: string, at: Date, soft: boolean): string {
  const b = boundary();
  const status = soft ? '4.2.2' : '5.1.1';
  const diagnostic = soft ? `smtp; 452 4.2.2 <${recipient}>: Mailbox full` : `smtp; 550 5.1.1 <${recipient}>: Recipient address rejected: User unknown in virtual mailbox table`;
  return crlf([
    `From: MAILER-DAEMON@${HOST} (Mail Delivery System)`,
    `To: ${original.from}`,
    `Subject: ${soft ? 'Delayed Mail (still being retried)' : 'Undelivered Mail Returned to Sender'}`,
    `Date: ${date(at)}`,
    `Message-ID: ${newId()}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    soft
      ? `This is the mail system at host ${HOST}.\r\n\r\nYour message could not be delivered yet; the recipient's mailbox is full.\r\nIt will be retried until it is too old.`
      : `This is the mail system at host ${HOST}.\r\n\r\nI'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients.\r\n\r\n<${recipient}>: host mx.${recipient.split('@')[1]} said: 550 5.1.1 User unknown`,
    '',
    `--${b}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${HOST}`,
    `Arrival-Date: ${date(at)}`,
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Original-Recipient: rfc822; ${recipient}`,
    `Action: ${soft ? 'delayed' : 'failed'}`,
    `Status: ${status}`,
    `Remote-MTA: dns; mx.${recipient.split('@')[1]}`,
    `Diagnostic-Code: ${diagnostic}`,
    '',
    `--${b}`,
    'Content-Type: text/rfc822-headers',
    '',
    original.headers.trimEnd(),
    '',
    `--${b}--`,
    '',
  ]);
}

/** A person's answer (or their out-of-office), threaded to the original as mail clients do. */
function personalAnswer(original: SunkMessage, recipient: string, at: Date, auto: boolean): string {
  const thread = original.messageId ? [`In-Reply-To: ${original.messageId}`, `References: ${original.messageId}`] : [];
  const body = auto
    ? 'Thank you for your message. I am out of the office until next Monday with limited access to email.\r\nFor urgent matters please call our office.'
    : `Thanks, this sounds interesting. Could you send me a quote for 200 units?\r\n\r\nBest regards\r\n\r\nOn ${date(at)}, ${original.from} wrote:\r\n> ${original.subject}`;
  return crlf([
    `From: ${recipient}`,
    `To: ${original.from}`,
    `Subject: ${auto ? 'Automatic reply' : 'Re'}: ${original.subject}`,
    `Date: ${date(at)}`,
    `Message-ID: ${newId()}`,
    ...thread,
    ...(auto ? ['Auto-Submitted: auto-replied', 'X-Autoreply: yes'] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
    '',
  ]);
}

/** The answers the demo addresses among the message's recipients give; none for everyone else. */
export function sinkAnswers(original: SunkMessage, now: Date, random: () => number = Math.random): SinkAnswer[] {
  return original.to.flatMap((recipient) => {
    const kind = answerOf(recipient);
    if (!kind) return [];
    const delayMs = 60_000 + Math.floor(random() * 60_000);
    const at = new Date(now.getTime() + delayMs);
    const raw = kind === 'hard_bounce' || kind === 'soft_bounce' ? deliveryReport(original, recipient, at, kind === 'soft_bounce') : personalAnswer(original, recipient, at, kind === 'auto_reply');
    return [{ recipient, kind, delayMs, raw: Buffer.from(raw) }];
  });
}
