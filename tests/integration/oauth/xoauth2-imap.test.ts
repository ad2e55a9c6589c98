import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestOAuthProvider } from '../../support/oauth-provider.js';
import { XOAuth2Server } from '../../support/xoauth2-server.js';
import { imapMailboxes } from '../../../server/mail/imap-mailbox.js';
import { refreshGrant } from '../../../server/mail/oauth-token-endpoint.js';
import { MailboxError } from '../../../server/domain/inbox.js';
import type { InboxLogin } from '../../../server/engine/ports.js';

const SCOPE = 'https://mail.google.com/';

// dovecot 2.3 checks OAuth tokens only through an introspection endpoint or locally configured
// keys; this test uses a server process of its own that checks them against the provider's JWKS.
describe('reading an OAuth mailbox over IMAP with XOAUTH2 (imapflow) against a server that checks tokens', () => {
  const provider = new TestOAuthProvider(15540);
  const imap = new XOAuth2Server('imap', 15541, provider.issuer, SCOPE);
  const login = (user: string): InboxLogin => ({ kind: 'imap', accountId: 1, host: '127.0.0.1', port: imap.port, security: 'none', user });
  /** An access token as the provider issues it, through the same token request Mailroom makes. */
  const tokenFor = async (user: string, scope = SCOPE) =>
    (await refreshGrant(`${provider.issuer}/token`, { clientId: 'mailroom-client', clientSecret: 'secret' }, provider.issueGrant(user, scope), () => new Date())).accessToken;

  beforeAll(async () => {
    await provider.start();
    await imap.start();
  });
  afterAll(async () => {
    await imap.stop();
    await provider.stop();
  });

  it('signs in with a valid access token and opens INBOX read-only', async () => {
    const session = await imapMailboxes.connect(login('anna@mail.test'), { kind: 'oauth2', accessToken: await tokenFor('anna@mail.test') });
    try {
      expect(await session.open('INBOX')).toEqual({ uidValidity: 7, uidNext: 1 });
    } finally {
      await session.close();
    }
    expect(imap.events).toContainEqual({ type: 'auth', user: 'anna@mail.test' });
  });

  // Someone else's token, or one without the mail scope: the server refuses, and the reader says
  // auth_failed (the inbox turns red), not unreachable.
  it.each([
    ['another user', () => tokenFor('ben@mail.test')],
    ['a token without the mail scope', () => tokenFor('anna@mail.test', 'openid')],
    ['no token of the provider at all', async () => 'not-a-token'],
  ])('refuses %s as a failed sign-in', async (_label, token) => {
    const err = await imapMailboxes.connect(login('anna@mail.test'), { kind: 'oauth2', accessToken: await token() }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MailboxError);
    expect((err as MailboxError).health).toBe('auth_failed');
  });
});
