import { describe, expect, it } from 'vitest';
import { classifySmtpFailure, retryDelayMs } from '../../server/domain/smtp-outcome.js';

describe('classifySmtpFailure', () => {
  it.each([
    [{ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', message: 'Invalid login' }, 'account'],
    [{ code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM', message: 'sender refused' }, 'account'],
    [{ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', message: 'no such user' }, 'recipient'],
    [{ code: 'EMESSAGE', responseCode: 554, command: 'DATA', message: 'rejected' }, 'recipient'],
    [{ code: 'EENVELOPE', responseCode: 421, command: 'RCPT TO', message: 'try later' }, 'temporary'],
    [{ code: 'EENVELOPE', responseCode: 451, command: 'DATA', message: 'greylisted' }, 'temporary'],
    [{ code: 'ETIMEDOUT', message: 'Greeting never received' }, 'temporary'],
    [{ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, 'temporary'],
    [{ code: 'EENVELOPE', message: 'No recipients defined' }, 'recipient'],
    [{ code: 'EMESSAGE', message: 'cannot build' }, 'critical'],
  ] as const)('%o is %s', (err, kind) => {
    expect(classifySmtpFailure(err).kind).toBe(kind);
  });

  it('says which way an account is refused', () => {
    expect(classifySmtpFailure({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', message: 'Invalid login' })).toMatchObject({ kind: 'account', health: 'auth_failed' });
    expect(classifySmtpFailure({ code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM', message: 'sender refused' })).toMatchObject({ kind: 'account', health: 'sender_refused' });
  });

  // Invariant: once the whole message went out, a lost connection or a timeout cannot tell
  // delivered from not delivered (uncertain); a reply from the server still decides as usual.
  it('calls a failure without a reply after the end of DATA uncertain', () => {
    expect(classifySmtpFailure({ code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' }, true).kind).toBe('uncertain');
    expect(classifySmtpFailure({ code: 'ETIMEDOUT', command: 'CONN', message: 'Timeout' }, true).kind).toBe('uncertain');
    expect(classifySmtpFailure({ code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' }, false).kind).toBe('temporary');
    expect(classifySmtpFailure({ code: 'EMESSAGE', responseCode: 451, response: '451 try later', command: 'DATA', message: 'x' }, true).kind).toBe('temporary');
  });

  it('keeps the server reply', () => {
    expect(classifySmtpFailure({ responseCode: 550, response: '550 5.1.1 unknown user', message: 'x' })).toEqual({ kind: 'recipient', code: 550, reply: '550 5.1.1 unknown user' });
  });
});

describe('retryDelayMs', () => {
  it('doubles from 5 minutes up to 4 hours', () => {
    expect([1, 2, 3, 4, 10].map(retryDelayMs)).toEqual([300_000, 600_000, 1_200_000, 2_400_000, 14_400_000]);
  });
});
