// The bytes of each planned message. Answers are written the way the world writes them: the
// RFC 3464 reports, out-of-office notes and replies of server/mail/sink-responder.ts, an ARF
// complaint, and the real-world samples of tests/fixtures/feedback (Gmail, Exchange, Exim, qmail,
// Yahoo…) with their addresses, Message-IDs, List-Id and dates turned into a ledger row's.
// Unrelated mail is newsletters (most of them 30–60 KB of HTML), spam, strangers writing (some
// with a 150 KB PDF), delivery successes and read receipts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sinkAnswers } from '../../server/mail/sink-responder.js';
import { seededRandom } from '../../server/domain/seeded-random.js';
import { answeredAt, companyEmail, messageIdOf, SENDER, type Planned, type PlannedKind, type Row } from './plan.js';

const FIXTURES = join(import.meta.dirname, '../../tests/fixtures/feedback');

/** What tests/fixtures/feedback/expected.json says of a sample: the address, Message-ID and List-Id to replace. */
interface Expected {
  messageId: string;
  from: string | null;
  refs: string[];
  recipients: { email: string }[];
}

const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Expected>;
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const date = (at: Date) => at.toUTCString().replace('GMT', '+0000');
const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const bare = (id: string) => id.replace(/^<|>$/g, '');

/** Samples that name one address each; `by` says which field holds it. */
const SAMPLES: Record<Exclude<PlannedKind, 'unrelated'>, { by: 'recipient' | 'from'; names: string[] }> = {
  hard_bounce: { by: 'recipient', names: ['postfix-dsn-hard.eml', 'gmail-dsn-hard.eml', 'gmail-nonstandard-hard.eml', 'exim-nonstandard.eml', 'microsoft365-ndr-report.eml', 'sendmail-dsn.eml', 'qmail.eml', 'postfix-nonstandard.eml'] },
  soft_bounce: { by: 'recipient', names: ['postfix-dsn-mailbox-full.eml', 'postfix-dsn-delayed-headers-only.eml', 'gmail-nonstandard-delayed.eml', 'exim-nonstandard-delayed.eml'] },
  reply: { by: 'from', names: ['reply-plain.eml', 'reply-html-only.eml', 'reply-without-refs.eml'] },
  auto_reply: { by: 'from', names: ['ooo-auto-submitted.eml', 'ooo-exchange.eml', 'ooo-german.eml'] },
  complaint: { by: 'recipient', names: ['arf-abuse-aol.eml', 'arf-abuse-yahoo.eml'] },
};

/** The demo address whose answer sink-responder writes for each kind it knows. */
const SINK_ANSWER = { hard_bounce: 'no-such-user', soft_bounce: 'mailbox-full', reply: 'happy-customer', auto_reply: 'on-holiday' } as const;

/** The original as a bounce returns it: the header block of the message sent for the row. */
function original(row: Row) {
  const to = companyEmail(row.companyId);
  const headers = [`From: Bench Sales <${SENDER.email}>`, `To: ${to}`, 'Subject: Our winter offer', `Message-ID: ${messageIdOf(row)}`, `List-Id: <mailing-${row.mailingId}.${SENDER.domain}>`].join('\r\n');
  return { from: SENDER.email, to, messageId: messageIdOf(row), subject: 'Our winter offer', headers };
}

/** A sample from the corpus, made about the row: its address, our Message-ID, the mailing's List-Id, a fresh Message-ID of its own, and dates after the send. */
function fromSample(name: string, by: 'recipient' | 'from', row: Row, n: number, anchor: number): string {
  const e = expected[name];
  const address = by === 'from' ? e.from! : e.recipients[0].email;
  let raw = fixture(name).replace(new RegExp(escape(address), 'gi'), companyEmail(row.companyId));
  if (e.refs[0]) raw = raw.replaceAll(bare(e.refs[0]), bare(messageIdOf(row)));
  return raw
    .replaceAll(bare(e.messageId), `sample-${n}.${bare(e.messageId)}`)
    .replaceAll('mailing-42.mailroom.example.com', `mailing-${row.mailingId}.${SENDER.domain}`)
    .replaceAll('ann@crm.example.com', SENDER.email)
    .replace(/^Date: .*$/gm, `Date: ${date(answeredAt(anchor, row))}`);
}

function sinkAnswer(kind: keyof typeof SINK_ANSWER, row: Row, n: number, anchor: number): string {
  const o = original(row);
  const demo = `${SINK_ANSWER[kind]}.x@example.test`;
  const [a] = sinkAnswers({ ...o, to: [demo] }, new Date(answeredAt(anchor, row).getTime() - 120_000), seededRandom(n));
  return a.raw.toString().replaceAll(demo, o.to);
}

function complaint(row: Row, n: number, anchor: number): string {
  const o = original(row);
  return [
    'From: feedback@arf.mail.example', `To: ${SENDER.email}`, 'Subject: Spam report', `Date: ${date(answeredAt(anchor, row))}`, `Message-ID: <arf-${n}@arf.mail.example>`, 'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="b"', '',
    '--b', 'Content-Type: text/plain', '', 'This is an email abuse report.', '',
    '--b', 'Content-Type: message/feedback-report', '', 'Feedback-Type: abuse', 'User-Agent: SomeGenerator/1.0', 'Version: 1', `Original-Rcpt-To: ${o.to}`, '',
    '--b', 'Content-Type: text/rfc822-headers', '', o.headers, '', '--b--', '',
  ].join('\r\n');
}

/** A shop's newsletter as ESPs send them: a table layout with inline styles, a product per row, 30–60 KB. */
function newsletter(n: number, at: Date): string {
  const products = 40 + (n % 40);
  const rows = Array.from({ length: products }, (_, i) =>
    `<tr><td style="padding:12px;border-bottom:1px solid #eeeeee;font-family:Helvetica,Arial,sans-serif;font-size:14px;color:#333333">`
    + `<img src="https://cdn.shop.example/p/${n}-${i}.jpg" width="120" height="120" alt="Product ${i}" style="display:block;border:0"></td>`
    + `<td style="padding:12px;border-bottom:1px solid #eeeeee;font-family:Helvetica,Arial,sans-serif"><h3 style="margin:0 0 6px;font-size:16px">Product ${i} of week ${n % 52}</h3>`
    + `<p style="margin:0;font-size:14px;line-height:20px">Everything you need this season, now ${10 + (i % 50)}% off for members.</p>`
    + `<a href="https://shop.example/p/${n}-${i}?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=w${n % 52}" style="color:#0066cc">See the offer</a></td></tr>`,
  );
  const b = `nl-${n}`;
  return [
    'Return-Path: <bounces+1234567-abcd@em123.shop.example>', `From: Shop Example <news@shop.example>`, `To: ${SENDER.email}`, `Subject: This week's offers (${n})`, `Date: ${date(at)}`,
    `Message-ID: <nl.${n}@em123.shop.example>`, 'List-Unsubscribe: <https://shop.example/unsub?u=abc123>', 'List-Id: Shop Example News <news.shop.example>', 'Precedence: bulk', 'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${b}"`, '',
    `--${b}`, 'Content-Type: text/plain; charset=utf-8', '', ...Array.from({ length: products }, (_, i) => `Product ${i}: ${10 + (i % 50)}% off, https://shop.example/p/${n}-${i}`), '',
    `--${b}`, 'Content-Type: text/html; charset=utf-8', '', '<html><body style="margin:0;background:#f4f4f4"><table width="600" align="center" cellpadding="0" cellspacing="0" style="background:#ffffff">', ...rows, '</table></body></html>', '',
    `--${b}--`, '',
  ].join('\r\n');
}

/** Someone who never got a mailing writes in person, now and then with a PDF. */
function stranger(n: number, at: Date, attachment: boolean): string {
  const who = `person${n}@company${n % 97}.example`;
  const text = ['Hello,', '', `we met at the trade fair last month and I wanted to follow up on our conversation about order ${n}.`, 'Could you tell me when you have time for a call next week?', '', 'Kind regards', `Person ${n}`, ''].join('\r\n');
  const head = [`From: Person ${n} <${who}>`, `To: ${SENDER.email}`, `Subject: Following up (${n})`, `Date: ${date(at)}`, `Message-ID: <${n}.stranger@company${n % 97}.example>`, 'MIME-Version: 1.0'];
  if (!attachment) return [...head, 'Content-Type: text/plain; charset=utf-8', '', text].join('\r\n');
  const random = seededRandom(n);
  const pdf = Buffer.from(Array.from({ length: 150_000 }, () => Math.floor(random() * 256))).toString('base64').replace(/.{76}/g, '$&\r\n');
  return [...head, 'Content-Type: multipart/mixed; boundary="att"', '', '--att', 'Content-Type: text/plain; charset=utf-8', '', text, '--att', `Content-Type: application/pdf; name="offer-${n}.pdf"`, 'Content-Transfer-Encoding: base64', `Content-Disposition: attachment; filename="offer-${n}.pdf"`, '', pdf, '--att--', ''].join('\r\n');
}

/** Twenty unrelated messages in a row: 8 large newsletters, 2 small, 2 spam, 5 strangers, 1 with a PDF, 1 delivery success, 1 read receipt. */
const UNRELATED = ['nl', 'nl', 'nl', 'nl', 'nl', 'nl', 'nl', 'nl', 'newsletter.eml', 'newsletter.eml', 'spam-unrelated.eml', 'spam-unrelated.eml', 'p', 'p', 'p', 'p', 'p', 'pdf', 'dsn-success-delivered.eml', 'read-receipt-mdn.eml'] as const;

function unrelated(n: number, anchor: number): string {
  const at = new Date(anchor - 86_400_000 + n * 1000);
  const pick = UNRELATED[n % UNRELATED.length];
  if (pick === 'nl') return newsletter(n, at);
  if (pick === 'p' || pick === 'pdf') return stranger(n, at, pick === 'pdf');
  // The same sample many times over, each copy its own message.
  return fixture(pick).replaceAll(bare(expected[pick].messageId), `copy-${n}.${bare(expected[pick].messageId)}`).replace(/^Date: .*$/m, `Date: ${date(at)}`);
}

/**
 * The `n`-th message of a kind. Half of each kind of answer is sink-responder's (the shape
 * Postfix and common mail clients give), the other half the corpus's samples in turn.
 */
function raw(p: Planned, n: number, anchor: number): string {
  if (p.kind === 'unrelated' || !p.row) return unrelated(n, anchor);
  const sample = SAMPLES[p.kind];
  if (n % 2 === 0) return p.kind === 'complaint' ? complaint(p.row, n, anchor) : sinkAnswer(p.kind, p.row, n, anchor);
  return fromSample(sample.names[(n >> 1) % sample.names.length], sample.by, p.row, n, anchor);
}

/** Every planned message's bytes, in mailbox order. */
export function* mailboxMessages(plan: Planned[], anchor: number): Generator<Buffer> {
  const seen = new Map<PlannedKind, number>();
  for (const p of plan) {
    const n = seen.get(p.kind) ?? 0;
    seen.set(p.kind, n + 1);
    yield Buffer.from(crlf(raw(p, n, anchor)));
  }
}
