import { describe, expect, it } from 'vitest';
import { readAbuseReport } from '../../../server/mail/feedback/abuse-report.js';
import { addressesIn, normaliseAddress } from '../../../server/mail/feedback/addresses.js';
import { cleanText } from '../../../server/mail/feedback/clean-text.js';
import { readDeliveryStatus } from '../../../server/mail/feedback/delivery-status.js';
import { readFields } from '../../../server/mail/feedback/header-fields.js';
import { messageIdsIn, normaliseListId, normaliseMessageId } from '../../../server/mail/feedback/message-ids.js';
import { readNonstandardBounce } from '../../../server/mail/feedback/nonstandard-bounces.js';
import { readPastedCopy, readReturnedPart, splitAtCopy } from '../../../server/mail/feedback/returned-message.js';

describe('normaliseAddress', () => {
  it('lowercases and unwraps valid addresses', () => {
    expect(normaliseAddress(' <Bob.Miller@Example.ORG> ')).toBe('bob.miller@example.org');
    expect(normaliseAddress('mailto:Ann@x.example')).toBe('ann@x.example');
  });

  // An address from a stranger is stored and matched: anything that is not one is dropped.
  it.each(['', 'bob', 'bob@', '@x.example', 'a b@x.example', '<script>@x.example', 'bob@localhost', `${'a'.repeat(250)}@x.example`, 'bob@x.example\u0000'])('refuses %j', (raw) => {
    expect(normaliseAddress(raw)).toBeNull();
  });
});

describe('addressesIn', () => {
  it('finds addresses wherever a mail system puts them', () => {
    expect(addressesIn('550 5.1.1 <Bob@Example.org>: Recipient address rejected')).toEqual(['bob@example.org']);
    expect(addressesIn('RCPT TO:<a@x.example>: and b@y.example.')).toEqual(['a@x.example', 'b@y.example']);
    expect(addressesIn('jane@contoso.com<mailto:jane@contoso.com>')).toEqual(['jane@contoso.com']);
    expect(addressesIn('John Smith (john.smith@fabrikam.com)')).toEqual(['john.smith@fabrikam.com']);
    expect(addressesIn('no address @ all, a@@b, @@@')).toEqual([]);
  });

  it('stops at the number asked for', () => {
    expect(addressesIn(Array.from({ length: 50 }, (_, i) => `u${i}@x.example`).join(' '), 3)).toEqual(['u0@x.example', 'u1@x.example', 'u2@x.example']);
  });
});

describe('Message-IDs and List-Ids', () => {
  it('normalises to the stored forms', () => {
    expect(normaliseMessageId(' <abc@x.example> (comment)')).toBe('<abc@x.example>');
    expect(normaliseMessageId('abc@x.example')).toBe('<abc@x.example>');
    expect(normaliseMessageId('two words')).toBeNull();
    expect(messageIdsIn('<a@x> <b@x> <a@x> <c@x>', 2)).toEqual(['<a@x>', '<b@x>']);
    expect(normaliseListId('Winter offer <Mailing-42.Mailroom.Example.com>')).toBe('mailing-42.mailroom.example.com');
    expect(normaliseListId('mailing-42.mailroom.example.com')).toBe('mailing-42.mailroom.example.com');
    expect(normaliseListId('<not a list id>')).toBeNull();
  });
});

describe('readFields', () => {
  it('unfolds continued fields and keeps every value of a repeated one', () => {
    const fields = readFields(['Diagnostic-Code: smtp; 550 5.1.1', '    User unknown', 'Original-Rcpt-To: a@x.example', 'Original-Rcpt-To: b@x.example', 'not a field', '  orphan continuation']);
    expect(fields.get('diagnostic-code')).toEqual(['smtp; 550 5.1.1 User unknown']);
    expect(fields.get('original-rcpt-to')).toEqual(['a@x.example', 'b@x.example']);
    expect(fields.size).toBe(2);
  });
});

describe('readDeliveryStatus', () => {
  const block = (final: string, extra = '') => `Final-Recipient: ${final}\nAction: failed\nStatus: 5.1.1 (bad destination mailbox address)\n${extra}`;

  it('reads each recipient block, with or without the per-message block', () => {
    const content = `Reporting-MTA: dns; mx.example.org\n\n${block('rfc822; A@x.example', 'Remote-MTA: dns; mx.x.example\nDiagnostic-Code: smtp; 550 5.1.1\n  user unknown\n')}\n${block('b@x.example')}\r\n\r\n${block('utf-8; c@x.example')}`;
    expect(readDeliveryStatus(content, 10)).toEqual([
      { email: 'a@x.example', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 user unknown', remoteMta: 'mx.x.example' },
      { email: 'b@x.example', action: 'failed', status: '5.1.1', diagnostic: null, remoteMta: null },
      { email: 'c@x.example', action: 'failed', status: '5.1.1', diagnostic: null, remoteMta: null },
    ]);
  });

  // The ledger knows the address as Mailroom sent it; an alias's target is somewhere else.
  it('prefers the Original-Recipient', () => {
    expect(readDeliveryStatus(block('rfc822; target@y.example', 'Original-Recipient: rfc822; Alias@x.example'), 10)[0].email).toBe('alias@x.example');
    expect(readDeliveryStatus(block('rfc822; target@y.example', 'Original-Recipient: rfc822; not-an-address'), 10)[0].email).toBe('target@y.example');
  });

  it('skips blocks without a valid address and refuses odd actions', () => {
    const content = `${block('rfc822; <script>alert(1)</script>')}\n\n${block('rfc822;')}\n\nFinal-Recipient: rfc822; d@x.example\nAction: failed; drop table\n`;
    expect(readDeliveryStatus(content, 10)).toEqual([{ email: 'd@x.example', action: null, status: null, diagnostic: null, remoteMta: null }]);
  });
});

describe('readAbuseReport', () => {
  it('reads the type and every Original-Rcpt-To', () => {
    expect(readAbuseReport('Feedback-Type: Abuse\nOriginal-Rcpt-To: <A@x.example>\nOriginal-Rcpt-To: b@x.example\nOriginal-Rcpt-To: redacted\n', 10)).toEqual({
      feedbackType: 'abuse',
      recipients: ['a@x.example', 'b@x.example'],
    });
    expect(readAbuseReport('', 10)).toEqual({ feedbackType: null, recipients: [] });
  });
});

describe('the returned message', () => {
  it('reads the Message-ID and List-Id of a returned header section', () => {
    expect(readReturnedPart(Buffer.from('From: a@x.example\r\nTo: B@y.example\r\nMessage-ID:\r\n <id1@mailroom.example.com>\r\nList-Id: <mailing-42.mailroom.example.com>\r\n\r\nMessage-ID: <body@x>\r\n'))).toEqual({
      messageId: '<id1@mailroom.example.com>',
      listId: 'mailing-42.mailroom.example.com',
      to: ['b@y.example'],
    });
  });

  it('finds a copy pasted after a marker line, and only there', () => {
    const lines = ['Report: 550 5.1.1', '', '------ This is a copy of the message, including all the headers. ------', '', 'From: a@x.example', 'Message-ID: <id2@x>', '', 'body'];
    const { report, copy } = splitAtCopy(lines);
    expect(report).toEqual(['Report: 550 5.1.1', '']);
    expect(readPastedCopy(copy!)).toMatchObject({ messageId: '<id2@x>' });
    expect(splitAtCopy(['no marker']).copy).toBeNull();
  });
});

describe('readNonstandardBounce', () => {
  // Any mail system: a line with a reply code, an enhanced code and an address.
  it('falls back on `550 5.1.1 <addr>` lines', () => {
    expect(readNonstandardBounce(['Something failed:', 'RCPT TO <x@y.example>: 550 5.1.1 <x@y.example> no mailbox here by that name'], undefined, 10)).toEqual([
      { email: 'x@y.example', action: 'failed', diagnostic: 'RCPT TO <x@y.example>: 550 5.1.1 <x@y.example> no mailbox here by that name' },
    ]);
  });

  it('does not take the sender for a recipient', () => {
    expect(readNonstandardBounce(['550 5.7.1 <ann@crm.example.com>: Sender address rejected', 'MAIL FROM:<ann@crm.example.com> 553 5.1.8 refused'], undefined, 10)).toEqual([]);
  });

  it('falls back on X-Failed-Recipients when the text names no one', () => {
    expect(readNonstandardBounce(['We could not deliver your message.'], 'A@x.example, b@x.example', 10)).toEqual([
      { email: 'a@x.example', action: 'failed', diagnostic: null },
      { email: 'b@x.example', action: 'failed', diagnostic: null },
    ]);
    expect(readNonstandardBounce(['We could not deliver your message.'], undefined, 10)).toEqual([]);
  });

  it('reads Sendmail without a report part', () => {
    const lines = ['   ----- The following addresses had permanent fatal errors -----', '<hank@example.edu>', '    (reason: 550 5.1.1 <hank@example.edu>... User unknown)', '    (expanded from: <h@example.edu>)', ''];
    expect(readNonstandardBounce(lines, undefined, 10)).toEqual([{ email: 'hank@example.edu', action: 'failed', diagnostic: '550 5.1.1 <hank@example.edu>... User unknown' }]);
  });
});

describe('cleanText', () => {
  it('removes control, zero-width and bidi characters and caps the length', () => {
    expect(cleanText('a\u0000b\u001b[31mc\u202ed\u200be\r\nf', 100)).toBe('a b [31mc d e f');
    expect(cleanText('x'.repeat(5000), 1000)).toHaveLength(1000);
  });
});
