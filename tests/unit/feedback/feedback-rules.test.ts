import { describe, expect, it } from 'vitest';
import {
  bounceKind,
  bounceSeverity,
  enhancedStatusIn,
  isAutomated,
  isAutoReply,
  isDeliverySystem,
  isUnsubscribeRequest,
} from '../../../server/domain/feedback.js';

describe('bounceSeverity', () => {
  // RFC 3463: the class digit decides, 5 permanent and 4 transient, with the exceptions below.
  it.each([
    ['5.1.1', 'failed', '550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown', 'hard'],
    ['5.1.10', 'failed', '550 5.1.10 RESOLVER.ADR.RecipientNotFound', 'hard'],
    ['5.4.4', 'failed', 'Host or domain name not found', 'hard'],
    ['4.2.2', 'failed', '452 4.2.2 Mailbox full', 'soft'],
    ['4.4.1', 'failed', 'connect to mx.example.org: Connection refused', 'soft'],
  ] as const)('%s (%s) is %s', (status, action, diagnostic, severity) => {
    expect(bounceSeverity(status, action, diagnostic)).toBe(severity);
  });

  // The mailbox exists: providers retry a full mailbox, so one full week must not drop a customer.
  it('calls a full mailbox soft even as 5.2.2', () => {
    expect(bounceSeverity('5.2.2', 'failed', '552 5.2.2 Mailbox full')).toBe('soft');
    expect(bounceSeverity('5.2.1', 'failed', '550 5.2.1 The email account that you tried to reach is disabled')).toBe('hard');
  });

  // A refused message or a queue timeout says nothing about the address.
  it('calls 5.3.4 (message too big) and 5.4.7 (expired) soft', () => {
    expect(bounceSeverity('5.3.4', 'failed', '552 5.3.4 Message size exceeds fixed limit')).toBe('soft');
    expect(bounceSeverity('5.4.7', 'failed', 'delivery time expired')).toBe('soft');
  });

  // Policy refusals judge the sender (a blocklisted IP would otherwise drop every recipient at
  // that provider), unless the words say the address itself is gone.
  it('calls 5.7.x soft unless the answer says the address does not exist', () => {
    expect(bounceSeverity('5.7.1', 'failed', '554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org')).toBe('soft');
    expect(bounceSeverity('5.7.1', 'failed', '550 5.7.1 Recipient address rejected: Access denied')).toBe('soft');
    expect(bounceSeverity('5.7.1', 'failed', '550 5.7.1 Unknown user')).toBe('hard');
  });

  // The MTA is still trying: whatever the code, nothing is final.
  it('calls a delayed recipient soft', () => {
    expect(bounceSeverity('5.1.1', 'delayed', 'User unknown')).toBe('soft');
    expect(bounceSeverity(null, 'Delayed', null)).toBe('soft');
  });

  // 5.0.0 says only "permanent": the code or the words in the server's answer say more.
  it('reads a generic X.0.0 status through the diagnostic', () => {
    expect(bounceSeverity('5.0.0', 'failed', '552 5.2.2 <x@example.org>: Mailbox full')).toBe('soft');
    expect(bounceSeverity('5.0.0', 'failed', '552 Mailbox full')).toBe('soft');
    expect(bounceSeverity('5.0.0', 'failed', '550 Requested action not taken: mailbox unavailable')).toBe('hard');
    expect(bounceSeverity('5.0.0', 'failed', 'something went wrong')).toBe('hard');
    expect(bounceSeverity('4.0.0', 'failed', '550 5.1.1 User unknown')).toBe('hard');
  });

  // Without a Status field (non-standard bounces): the enhanced code in the answer, then the SMTP code, then the words.
  it('decides from the server answer when there is no status', () => {
    expect(bounceSeverity(null, 'failed', 'host mx.example.org said: 550 5.1.1 <bob@example.org>: User unknown')).toBe('hard');
    expect(bounceSeverity(null, 'failed', 'Remote host said: 452 4.2.2 over quota')).toBe('soft');
    expect(bounceSeverity(null, null, '550 Requested action not taken: mailbox unavailable')).toBe('hard');
    expect(bounceSeverity(null, null, '550 mailbox full')).toBe('soft');
    expect(bounceSeverity(null, null, '421 Service not available, try again later')).toBe('soft');
    expect(bounceSeverity(null, null, 'The email account that you tried to reach does not exist.')).toBe('hard');
    expect(bounceSeverity(null, null, 'no such user here')).toBe('hard');
    expect(bounceSeverity(null, null, 'The user is over quota')).toBe('soft');
    expect(bounceSeverity(null, null, 'Connection timed out')).toBe('soft');
  });

  // Nothing to go on: the reporting MTA's own verdict ("failed" is final), else soft.
  it('falls back on the action', () => {
    expect(bounceSeverity(null, 'failed', null)).toBe('hard');
    expect(bounceSeverity(null, 'failed', 'Recipient address rejected')).toBe('hard');
    expect(bounceSeverity(null, null, null)).toBe('soft');
    expect(bounceSeverity('garbage', null, 'nothing useful')).toBe('soft');
  });

  // An IP address or a version number is no status code.
  it('does not read status codes out of dotted numbers', () => {
    expect(enhancedStatusIn('host [10.5.1.1] refused')).toBeNull();
    expect(enhancedStatusIn('Exim 4.97.1')).toBeNull();
    expect(enhancedStatusIn('550-5.1.1 The email account')).toBe('5.1.1');
    expect(enhancedStatusIn('Status: 5.1.10 (bad address)')).toBe('5.1.10');
    expect(bounceSeverity(null, null, 'connect to [192.0.5.1.1]: 421 try again later')).toBe('soft');
  });
});

describe('bounceKind', () => {
  it('is hard when any recipient is hard', () => {
    expect(bounceKind([{ severity: 'soft' }, { severity: 'hard' }])).toBe('hard_bounce');
    expect(bounceKind([{ severity: 'soft' }, { severity: 'soft' }])).toBe('soft_bounce');
  });
});

describe('isAutoReply', () => {
  it.each([
    [{ 'auto-submitted': 'auto-replied' }, true],
    [{ 'auto-submitted': 'auto-generated (vacation)' }, true],
    [{ 'auto-submitted': 'auto-notified' }, true],
    [{ 'auto-submitted': 'No' }, false],
    [{ 'auto-submitted': 'no (comment)' }, false],
    [{ 'x-autoreply': 'yes' }, true],
    [{ 'x-autorespond': 'Vacation' }, true],
    [{ 'x-autogenerated': 'Reply' }, true],
    [{ precedence: 'auto_reply' }, true],
  ] as const)('%o → %s', (headers, auto) => {
    expect(isAutoReply(headers)).toBe(auto);
  });

  // vacation(1) answers with Precedence: junk; a newsletter is bulk too but answers nothing.
  it('counts Precedence bulk/junk only on a message that answers another', () => {
    expect(isAutoReply({ precedence: 'bulk', 'in-reply-to': '<a@b>' })).toBe(true);
    expect(isAutoReply({ precedence: 'junk', references: '<a@b>' })).toBe(true);
    expect(isAutoReply({ precedence: 'bulk' })).toBe(false);
    expect(isAutoReply({ precedence: 'list', 'in-reply-to': '<a@b>' })).toBe(false);
  });

  // Outlook asks others not to answer its ordinary mail with this header: it is no sign.
  it('ignores X-Auto-Response-Suppress', () => {
    expect(isAutoReply({ 'x-auto-response-suppress': 'All', subject: 'Re: Our winter offer' })).toBe(false);
  });

  // The subject is the fallback for responders that set no header (older Exchange), anchored at the start.
  it.each([
    ['Automatic reply: Our winter offer', true],
    ['Out of Office: Our winter offer', true],
    ['Out of the office', true],
    ['Abwesenheitsnotiz: Our winter offer', true],
    ['Automatische Antwort: Our winter offer', true],
    ['Réponse automatique : Our winter offer', true],
    ['Autosvar: Our winter offer', true],
    ['Fuera de la oficina: Our winter offer', true],
    ['Auto-Reply: Our winter offer', true],
    ['Re: Out of office party next week', false],
    ['Outstanding invoice', false],
    ['Automatically renewed contract', false],
  ] as const)('subject %s → %s', (subject, auto) => {
    expect(isAutoReply({ subject })).toBe(auto);
  });
});

describe('isAutomated', () => {
  it('is true for machines and false for people', () => {
    expect(isAutomated({}, 'jane@example.com')).toBe(false);
    expect(isAutomated({ 'x-auto-response-suppress': 'All' }, 'jane@example.com')).toBe(false);
    expect(isAutomated({ 'list-unsubscribe': '<https://x>' }, 'news@shop.example')).toBe(true);
    expect(isAutomated({ 'list-id': '<news.shop.example>' }, 'news@shop.example')).toBe(true);
    expect(isAutomated({ precedence: 'bulk' }, 'news@shop.example')).toBe(true);
    expect(isAutomated({ 'return-path': '< >' }, 'jane@example.com')).toBe(true);
    expect(isAutomated({}, 'mailer-daemon@mx.example.org')).toBe(true);
    expect(isAutomated({}, 'no-reply@secure.example')).toBe(true);
    expect(isAutomated({}, 'noreply+bounce@secure.example')).toBe(true);
    expect(isAutomated({}, 'noreen@example.com')).toBe(false);
  });

  it('knows the senders of bounces', () => {
    expect(isDeliverySystem('MAILER-DAEMON@mx.example.org')).toBe(true);
    expect(isDeliverySystem('postmaster@example.org')).toBe(true);
    expect(isDeliverySystem('microsoftexchange329e71ec88ae4615bbc36ab6ce41109e@contoso.onmicrosoft.com')).toBe(true);
    expect(isDeliverySystem('postmaster.jones@example.org')).toBe(false);
    expect(isDeliverySystem(null)).toBe(false);
  });
});

describe('isUnsubscribeRequest', () => {
  // Mailroom's List-Unsubscribe mailto link sets exactly this subject.
  it('takes the subject "unsubscribe"', () => {
    expect(isUnsubscribeRequest('unsubscribe', null, true)).toBe(true);
    expect(isUnsubscribeRequest(' Unsubscribe ', null, null)).toBe(true);
    expect(isUnsubscribeRequest('unsubscribe', null, false)).toBe(false);
    expect(isUnsubscribeRequest('Re: unsubscribe from what?', null, true)).toBe(false);
  });

  // The words in the body count only on a message to an address that takes such requests.
  it('takes a bare "unsubscribe" text only when addressed', () => {
    expect(isUnsubscribeRequest('Re: Our winter offer', 'Unsubscribe please.', true)).toBe(true);
    expect(isUnsubscribeRequest('Re: Our winter offer', 'Unsubscribe please.', null)).toBe(false);
    expect(isUnsubscribeRequest('Re: Our winter offer', 'Please do not unsubscribe me, I like it', true)).toBe(false);
    expect(isUnsubscribeRequest('Re: Our winter offer', `unsubscribe${' '.repeat(100)}x`, true)).toBe(false);
  });
});
