import { describe, expect, it } from 'vitest';
import { healthText, type HealthDetail } from '../../server/domain/health-detail.js';
import { grantProblemText } from '../../server/domain/grant-problems.js';
import { grantCheckOutcome, OAuthGrantError } from '../../server/domain/oauth-providers.js';
import { MailboxError } from '../../server/domain/inbox.js';
import { noteText, recorded } from '../../server/domain/mailing-notes.js';
import { interruptText, openSecret, UnpreparableError } from '../../server/domain/mailing-interrupts.js';

/**
 * Mailroom's own reasons are values (a code, the server's reply verbatim) with an English copy for
 * the API's `healthReason` and the logs; the UI words the values in the reader's language.
 */
describe('health details and their English copy', () => {
  // A sign-in check's failure keeps the server's own reply as it came, apart from Mailroom's words.
  it.for<[HealthDetail, string]>([
    [{ code: 'sign_in_refused', where: 'smtp.x.test:587', user: 'anna', reply: '535 5.7.8 Bad credentials' }, 'smtp.x.test:587 refused the sign-in for anna: 535 5.7.8 Bad credentials'],
    [{ code: 'unreachable', where: 'imap.x.test:993', reply: 'getaddrinfo ENOTFOUND imap.x.test' }, 'Could not talk to imap.x.test:993: getaddrinfo ENOTFOUND imap.x.test'],
    [{ code: 'unreachable', where: 'imap.x.test:993', reply: null }, 'Could not talk to imap.x.test:993: the connection was closed'],
    [{ code: 'folder_missing', where: 'imap.x.test:993', folder: 'Bounces', reply: null }, 'Folder "Bounces" on imap.x.test:993 does not exist'],
    [{ code: 'folder_missing', where: 'imap.x.test:993', folder: 'Bounces', reply: 'Permission denied' }, 'Folder "Bounces" on imap.x.test:993 cannot be opened: Permission denied'],
    [{ code: 'move_refused', where: 'imap.x.test:993', folder: 'Bounces' }, 'imap.x.test:993 could not move messages to folder "Bounces"'],
    [{ code: 'oauth_refused', grant: { cause: 'refused', reply: 'invalid_grant: Token has been expired or revoked.' } }, 'OAuth sign-in refused, reconnect the account: the provider refused the token request: invalid_grant: Token has been expired or revoked.'],
    [{ code: 'oauth_unavailable', grant: { cause: 'unreachable', reply: 'fetch failed' } }, "The OAuth provider gives no access token now: the provider's token endpoint cannot be reached: fetch failed"],
    // A verdict stored before causes were kept reads as it was.
    [{ code: 'oauth_refused', error: 'the grant lacks the scope mail' }, 'OAuth sign-in refused, reconnect the account: the grant lacks the scope mail'],
  ])('%j reads "%s"', ([detail, english]) => {
    expect(healthText(detail)).toBe(english);
  });

  // The grant check's causes: values, with the provider's words only where it said something.
  it('words a grant problem in English from its cause', () => {
    expect(grantProblemText({ cause: 'missing_scopes', scopes: ['a', 'b'] })).toBe('the grant lacks the scopes a, b');
    expect(grantProblemText({ cause: 'no_client', provider: 'Google' })).toBe('no Google OAuth client is registered in Settings');
    expect(new OAuthGrantError('revoked', { cause: 'no_refresh_token' }).message).toBe('the account has no OAuth grant; connect it again');
  });

  // A manual test's verdict on a grant: refused (reconnect) or unavailable (try later), with the cause as values.
  it('gives a sign-in check on a failed grant a detail with its cause', () => {
    expect(grantCheckOutcome(new OAuthGrantError('revoked', { cause: 'refused', reply: 'invalid_grant' }))).toEqual({
      health: 'auth_failed', message: 'OAuth sign-in refused, reconnect the account: the provider refused the token request: invalid_grant', detail: { code: 'oauth_refused', grant: { cause: 'refused', reply: 'invalid_grant' } },
    });
    expect(grantCheckOutcome(new OAuthGrantError('unavailable', { cause: 'refresh_stalled' }))).toMatchObject({ health: 'unreachable', detail: { code: 'oauth_unavailable', grant: { cause: 'refresh_stalled' } } });
    expect(() => grantCheckOutcome(new Error('other'))).toThrow('other');
  });

  it('makes a mailbox error of a detail, its message the English copy', () => {
    const detail = { code: 'search_refused', where: 'imap.x.test:993', folder: 'INBOX' } as const;
    expect(MailboxError.of('unreachable', detail)).toMatchObject({ health: 'unreachable', message: 'imap.x.test:993 refused to search folder "INBOX"', detail });
  });
});

describe('the uncertain delivery note', () => {
  // Recorded with its values, the English text for API clients and logs beside them.
  it('records the recipient, the cause and the reply, with an English copy', () => {
    const note = { kind: 'uncertain', params: { email: 'a@x.test', cause: 'connection_lost', reply: 'Connection closed unexpectedly' } } as const;
    expect(recorded(note)).toEqual({
      ...note,
      text: 'a@x.test: the connection was lost after the message was sent, before the server answered (Connection closed unexpectedly); delivery is uncertain and it will not be resent automatically',
    });
    expect(noteText({ kind: 'uncertain', params: { email: 'b@x.test', cause: 'worker_stopped', reply: null } })).toBe('b@x.test: the sending worker stopped mid-send; delivery is uncertain and it will not be resent automatically');
  });
});

describe('a recipient given up on', () => {
  // The attempts are a value beside the server's reply, not words around it.
  it('keeps the attempts apart from the reply', () => {
    expect(noteText({ kind: 'recipient_failed', params: { email: 'a@x.test', reply: '421 Try later', attempts: 5 } })).toBe('a@x.test: gave up after 5 attempts: 421 Try later');
    expect(noteText({ kind: 'recipient_failed', params: { email: 'a@x.test', reply: '550 No such user' } })).toBe('a@x.test: 550 No such user');
  });
});

describe("a message Mailroom cannot prepare", () => {
  // A secret the key cannot open is a cause with the cipher's words; any other error stays as it was thrown.
  it('names a secret the key cannot open, the cipher\'s words verbatim', () => {
    const failing = () => {
      throw new Error('Unsupported state or unable to authenticate data');
    };
    expect(() => openSecret(failing, 'v1:x')).toThrow(UnpreparableError);
    try {
      openSecret(failing, 'v1:x');
    } catch (err) {
      expect((err as UnpreparableError).reason).toEqual({ code: 'secret_unreadable', error: 'Unsupported state or unable to authenticate data' });
    }
    expect(openSecret((s) => s.toUpperCase(), 'ok')).toBe('OK');
    expect(interruptText({ code: 'no_attachments_folder' })).toBe('The message has files, but this process has no attachments folder');
  });
});
