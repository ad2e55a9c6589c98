import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../server/security/secret-box.js';
import { readUnsubscribeToken, unsubscribeToken } from '../../server/mail/unsubscribe-token.js';

describe('unsubscribe tokens', () => {
  const secrets = new SecretBox(Buffer.alloc(32, 1));

  // A token names exactly one ledger row and reads back to it.
  it('round-trips a ledger row id', () => {
    for (const id of [1, 42, 123_456, 2 ** 40]) {
      const token = unsubscribeToken(secrets, id);
      expect(token).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
      expect(readUnsubscribeToken(secrets, token)).toBe(id);
    }
    expect(unsubscribeToken(secrets, 36)).toMatch(/^10\./);
  });

  // Nobody can unsubscribe a row without the server's key: another key, another id or a
  // changed MAC gives null, never a different row.
  it('refuses forged and tampered tokens', () => {
    const token = unsubscribeToken(secrets, 42);
    const [id, mac] = token.split('.');
    expect(readUnsubscribeToken(new SecretBox(Buffer.alloc(32, 2)), token)).toBeNull();
    expect(readUnsubscribeToken(secrets, `${(43).toString(36)}.${mac}`)).toBeNull();
    const flipped = mac[0] === 'A' ? `B${mac.slice(1)}` : `A${mac.slice(1)}`;
    expect(readUnsubscribeToken(secrets, `${id}.${flipped}`)).toBeNull();
    // The full-length MAC is not the token's MAC: only the canonical form is accepted.
    expect(readUnsubscribeToken(secrets, `${id}.${secrets.sign('unsubscribe', '42')}`)).toBeNull();
    // A MAC made for another purpose does not open this door.
    expect(readUnsubscribeToken(secrets, `${id}.${secrets.sign('csrf', '42').slice(0, 22)}`)).toBeNull();
  });

  it('returns null for anything malformed', () => {
    const mac = unsubscribeToken(secrets, 42).split('.')[1];
    for (const bad of ['', '.', 'preview', '16', `16.`, `.${mac}`, `016.${mac}`, `0.${unsubscribeToken(secrets, 1).split('.')[1]}`, `1g.${mac}.x`, `1G.${mac}`, `zzzzzzzzzzzz.${mac}`, `16.${mac}x`, `16.${mac.slice(1)}`, `16 .${mac}`]) {
      expect(readUnsubscribeToken(secrets, bad), bad).toBeNull();
    }
    expect(() => unsubscribeToken(secrets, 0)).toThrow(RangeError);
    expect(() => unsubscribeToken(secrets, 1.5)).toThrow(RangeError);
  });
});
