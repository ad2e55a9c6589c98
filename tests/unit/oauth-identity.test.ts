import { describe, expect, it } from 'vitest';
import { mailboxOf, sameMailbox } from '../../server/domain/oauth-identity.js';

/** An unsigned JWT with this payload: the id_token comes straight from the token endpoint, so only its claims are read. */
const jwt = (payload: unknown) => `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

describe('the mailbox an id_token names', () => {
  it("takes Google's verified email, lower-cased", () => {
    expect(mailboxOf(jwt({ aud: 'client', email: 'Anna@Example.com', email_verified: true }), 'client')).toEqual({ ok: true, address: 'anna@example.com' });
  });

  // Microsoft work accounts without a mail attribute give only their sign-in name, which is their address.
  it("falls back to Microsoft's preferred_username, with the audience as a list", () => {
    expect(mailboxOf(jwt({ aud: ['client'], preferred_username: 'ben@contoso.example' }), 'client')).toEqual({ ok: true, address: 'ben@contoso.example' });
  });

  it.each([
    ['no id_token', null, /no id_token/],
    ['a token that is no JWT', 'garbage', /no id_token/],
    ['a payload that is no JSON object', `x.${Buffer.from('[1]').toString('base64url')}.y`, /no id_token/],
    ["another client's token", jwt({ aud: 'other', email: 'a@x.test' }), /another client/],
    ['an unverified address', jwt({ aud: 'client', email: 'a@x.test', email_verified: false }), /not verified/],
    ['no address at all', jwt({ aud: 'client', sub: '123' }), /no mailbox address/],
    ['a name that is no address', jwt({ aud: 'client', email: 'not an address' }), /no mailbox address/],
  ])('refuses %s', (_label, token, reason) => {
    const result = mailboxOf(token, 'client');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('compares mailboxes without case or surrounding space', () => {
    expect(sameMailbox('anna@example.com', ' Anna@Example.COM ')).toBe(true);
    expect(sameMailbox('anna@example.com', 'ann@example.com')).toBe(false);
  });
});
