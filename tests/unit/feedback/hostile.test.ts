import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEEDBACK_KINDS, type Classified } from '../../../server/domain/feedback.js';
import { seededRandom } from '../../../server/domain/seeded-random.js';
import { classifyMessage, FEEDBACK_LIMITS } from '../../../server/mail/feedback/classify.js';

/**
 * Every incoming message is a stranger's. Whatever the bytes, the classifier answers (no throw,
 * no hang), reads a bounded amount, and returns only clean, bounded, valid values.
 */

const DIR = join(import.meta.dirname, '../../fixtures/feedback');
const fixtures = readdirSync(DIR).filter((f) => f.endsWith('.eml'));

function expectWellFormed(r: Classified) {
  expect(FEEDBACK_KINDS).toContain(r.kind);
  expect(r.recipients.length).toBeLessThanOrEqual(FEEDBACK_LIMITS.recipients);
  for (const { email, diagnostic } of r.recipients) {
    expect(email).toBe(email.toLowerCase());
    expect(email).toMatch(/^[^\s@<>]{1,64}@[a-z0-9.-]{1,253}$/);
    if (diagnostic !== null) expect(diagnostic).toMatch(/^[^\u0000-\u001f\u007f-\u009f\u202a-\u202e]{1,1000}$/);
  }
  if (r.excerpt !== null) expect(r.excerpt.length).toBeLessThanOrEqual(300);
  expect(r.subject.length).toBeLessThanOrEqual(998);
  for (const id of r.refs) expect(id).toMatch(/^<[^<>\s]+>$/);
  if (r.from !== null) expect(r.from).toBe(r.from.toLowerCase());
}

const dsn = (blocks: string, preamble = 'Your message could not be delivered.') =>
  [
    'From: MAILER-DAEMON@mx.example.org',
    'To: ann@crm.example.com',
    'Subject: Undelivered Mail Returned to Sender',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    preamble,
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    blocks,
    '--b',
    'Content-Type: text/rfc822-headers',
    '',
    'Message-ID: <0123abcd@mailroom.example.com>',
    'List-Id: <mailing-42.mailroom.example.com>',
    '',
    '--b--',
    '',
  ].join('\r\n');

const recipientBlock = (email: string, diagnostic = '550 5.1.1 User unknown') =>
  `Final-Recipient: rfc822; ${email}\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; ${diagnostic}\r\n`;

describe('garbage', () => {
  it.each([
    ['nothing', ''],
    ['one byte', '\u0000'],
    ['a header line without a body', 'Subject: hi'],
    ['no header at all', '\r\n\r\nJust text, no From.'],
    ['an unterminated multipart', 'Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recip'],
    ['a boundary that never comes', 'From: MAILER-DAEMON@x.example\r\nContent-Type: multipart/mixed; boundary="never"\r\n\r\nbody'],
    ['a broken header fold', '\tFrom: x\r\n : \r\n:\r\nSubject\r\n\r\n'],
  ])('calls %s unrelated', async (_name, raw) => {
    const r = await classifyMessage(raw);
    expect(r.kind).toBe('unrelated');
    expectWellFormed(r);
  });

  it('calls random bytes unrelated', async () => {
    const random = seededRandom(7);
    for (let i = 0; i < 20; i++) {
      const bytes = Buffer.from(Array.from({ length: 2000 + i * 500 }, () => Math.floor(random() * 256)));
      const r = await classifyMessage(bytes);
      expect(r.kind).toBe('unrelated');
      expectWellFormed(r);
    }
  });

  // Damaged copies of real messages: cut short, bytes flipped, a slice repeated. Whatever they
  // become, the answer is well formed.
  it('answers every damaged fixture with a well-formed result', async () => {
    const random = seededRandom(42);
    const pick = (n: number) => Math.floor(random() * n);
    for (const file of fixtures) {
      const original = readFileSync(join(DIR, file));
      for (let i = 0; i < 8; i++) {
        const damaged = Buffer.from(original);
        for (let j = 0; j < 1 + pick(20); j++) damaged[pick(damaged.length)] = pick(256);
        const at = pick(damaged.length);
        const variants = [damaged.subarray(0, at), Buffer.concat([damaged.subarray(0, at), damaged.subarray(pick(damaged.length)), damaged.subarray(at)])];
        for (const raw of variants) expectWellFormed(await classifyMessage(raw));
      }
    }
  });

  it('survives deep nesting and many parts', async () => {
    const depth = 500;
    const nested = Array.from({ length: depth }, (_, i) => `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`).join('');
    expectWellFormed(await classifyMessage(`From: a@x.example\r\n${nested}Content-Type: text/plain\r\n\r\nhi\r\n`));
    const parts = Array.from({ length: 3000 }, () => '--p\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; a@x.example\r\nAction: failed\r\n').join('');
    expectWellFormed(await classifyMessage(`From: MAILER-DAEMON@x.example\r\nContent-Type: multipart/report; boundary="p"\r\n\r\n${parts}--p--\r\n`));
  });
});

describe('long lines', () => {
  const MB = 1024 * 1024;
  const line = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  // Each repeats what some pattern could retry from every position: a letter, spaces, `<`, `@`,
  // `#` (Exchange's answer), dotted codes, an attribution's start, a link, an address block.
  const UNITS = ['a', ' ', '<', '@', '#', '5.5.5.', 'On ', '<a href="', '<a@b.example>: '];
  const PLACES: Record<string, (l: string) => string> = {
    'a reply': (l) => `From: a@x.example\r\nSubject: hi\r\n\r\n${l}\r\n`,
    'an HTML reply': (l) => `From: a@x.example\r\nContent-Type: text/html\r\n\r\n<div>${l}</div>\r\n`,
    'a bounce without report': (l) =>
      `From: MAILER-DAEMON@x.example\r\n\r\nThis is the mail system at host x.\r\n\r\n<b@y.example>: ${l}\r\n\r\nDelivery has failed to these recipients or groups:\r\n${l}\r\nDiagnostic information for administrators:\r\n${l}\r\n`,
    'a DSN diagnostic': (l) => dsn(recipientBlock('b@y.example', l)),
    'References': (l) => `From: a@x.example\r\nReferences: ${l.slice(0, 200_000)}\r\nIn-Reply-To: ${l.slice(0, 200_000)}\r\n\r\nhi\r\n`,
  };

  // The patterns are bounded and none retries a line from every position, so each of these
  // finishes in one pass; a pattern that backtracks would not come back within the test timeout.
  for (const [place, make] of Object.entries(PLACES)) {
    it(`returns on a 1 MB line of repeated characters in ${place}`, async () => {
      for (const unit of UNITS) expectWellFormed(await classifyMessage(make(line(unit))));
    });
  }
});

describe('limits', () => {
  // A DSN naming 5000 recipients yields the first 1000; the rest is not read.
  it('reads at most 1000 recipients of one DSN', async () => {
    const blocks = Array.from({ length: 5000 }, (_, i) => recipientBlock(`r${i}@example.org`)).join('\r\n');
    const r = await classifyMessage(dsn(blocks));
    expect(r.kind).toBe('hard_bounce');
    expect(r.recipients).toHaveLength(1000);
    expect(r.recipients[0].email).toBe('r0@example.org');
    expect(r.recipients[999].email).toBe('r999@example.org');
    expect(r.refs).toEqual(['<0123abcd@mailroom.example.com>']);
  });

  // Only the first 2 MB are read: a report that starts later is never seen. The same message
  // with a short preamble is a bounce, so the difference is the cut.
  it('reads only the first 2 MB of a message', async () => {
    const blocks = recipientBlock('late@example.org');
    expect((await classifyMessage(dsn(blocks, 'x'.repeat(1000)))).kind).toBe('hard_bounce');
    const late = await classifyMessage(dsn(blocks, 'x'.repeat(FEEDBACK_LIMITS.rawBytes)));
    expect(late.kind).toBe('unrelated');
    expect(late.recipients).toEqual([]);
  });

  // Diagnostics are shown in the UI: control characters (terminal escapes) and bidi overrides go, 1000 characters stay.
  it('cleans and caps diagnostics', async () => {
    const hostile = `550 5.1.1 \u001b[2J\u202eevil\u0007 ${'x'.repeat(5000)}`;
    const [recipient] = (await classifyMessage(dsn(recipientBlock('b@y.example', hostile)))).recipients;
    expect(recipient.diagnostic).toHaveLength(1000);
    expect(recipient.diagnostic!.startsWith('550 5.1.1 [2J evil x')).toBe(true);
  });

  // Addresses are matched against the ledger: only valid ones, lowercased.
  it('keeps only valid addresses', async () => {
    const blocks = ['rfc822; <script>alert(1)</script>', 'rfc822; two words@x.example', `rfc822; ${'a'.repeat(300)}@x.example`, 'rfc822; Good.One@Example.ORG']
      .map((final) => `Final-Recipient: ${final}\r\nAction: failed\r\nStatus: 5.1.1\r\n`)
      .join('\r\n');
    expect((await classifyMessage(dsn(blocks))).recipients.map((r) => r.email)).toEqual(['good.one@example.org']);
  });
});

describe('what is never a reply', () => {
  // Bounces often carry In-Reply-To; a mail system's notice no rule can read is still no reply.
  it('calls an unreadable notice from a mail system unrelated, In-Reply-To or not', async () => {
    const r = await classifyMessage(
      'From: MAILER-DAEMON@mx.example.org\r\nSubject: Notice\r\nIn-Reply-To: <0123abcd@mailroom.example.com>\r\n\r\nSomething happened to your message.\r\n',
    );
    expect(r.kind).toBe('unrelated');
  });

  // A DSN is also auto-submitted: it is a bounce first.
  it('calls an auto-submitted DSN a bounce', async () => {
    const raw = dsn(recipientBlock('b@y.example')).replace('Subject:', 'Auto-Submitted: auto-replied\r\nIn-Reply-To: <0123abcd@mailroom.example.com>\r\nSubject:');
    expect((await classifyMessage(raw)).kind).toBe('hard_bounce');
  });

  // A person who pastes a bounce into a reply wrote a reply: the bounce rules only read mail systems.
  it('calls a person quoting a bounce a reply', async () => {
    const r = await classifyMessage(
      'From: Jane <jane@example.com>\r\nSubject: Re: offer\r\nIn-Reply-To: <0123abcd@mailroom.example.com>\r\n\r\nMy colleague got this:\r\n550 5.1.1 <bob@example.org>: User unknown\r\nThis is the mail system at host x.\r\n<bob@example.org>: 550 5.1.1 User unknown\r\n',
    );
    expect(r).toMatchObject({ kind: 'reply', recipients: [], refs: ['<0123abcd@mailroom.example.com>'] });
  });

  // Not spam: the opposite of a complaint.
  it('calls a not-spam feedback report unrelated', async () => {
    const raw = readFileSync(join(DIR, 'arf-abuse-yahoo.eml'), 'utf8').replace('Feedback-Type: abuse', 'Feedback-Type: not-spam');
    expect((await classifyMessage(raw)).kind).toBe('unrelated');
  });

  // An unsubscribe request must reach an address that takes them, when the caller names those.
  it('takes "unsubscribe" only at the named addresses', async () => {
    const raw = readFileSync(join(DIR, 'unsubscribe-mailto.eml'));
    expect((await classifyMessage(raw, { unsubscribeAddresses: ['unsubscribe@mailroom.example.com'] })).kind).toBe('unsubscribe');
    expect((await classifyMessage(raw)).kind).toBe('unsubscribe');
    expect((await classifyMessage(raw, { unsubscribeAddresses: ['other@mailroom.example.com'] })).kind).toBe('reply');
  });
});
