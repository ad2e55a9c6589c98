import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../server/security/secret-box.js';
import { hashPassword, verifyPassword } from '../../server/security/password.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips a secret and never stores it in the clear', () => {
    const sealed = box.encrypt('smtp-pass-123');
    expect(sealed).not.toContain('smtp-pass-123');
    expect(box.decrypt(sealed)).toBe('smtp-pass-123');
    // A fresh IV per call: equal secrets do not give equal ciphertexts.
    expect(box.encrypt('smtp-pass-123')).not.toBe(sealed);
  });

  it('refuses a tampered ciphertext and a foreign key', () => {
    const sealed = box.encrypt('secret');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => box.decrypt(`v1:${raw.toString('base64')}`)).toThrow();
    expect(() => new SecretBox(randomBytes(32)).decrypt(sealed)).toThrow();
  });

  it('signs per purpose', () => {
    expect(box.sign('csrf', 'x')).toBe(box.sign('csrf', 'x'));
    expect(box.sign('csrf', 'x')).not.toBe(box.sign('unsubscribe', 'x'));
  });
});

describe('passwords', () => {
  it('verifies the right password only', async () => {
    const hash = await hashPassword('hunter2hunter2');
    expect(hash.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword('hunter2hunter2', hash)).toBe(true);
    expect(await verifyPassword('hunter2hunter3', hash)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});
