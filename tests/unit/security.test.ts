import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../server/security/secret-box.js';
import { hashPassword, verifyPassword } from '../../server/security/password.js';
import { SlidingWindow } from '../../server/http/sliding-window.js';

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

describe('SlidingWindow', () => {
  // After too many failures a key waits until the oldest failure leaves the window.
  it('locks a key after the limit and releases it when the window passes', () => {
    const throttle = new SlidingWindow(3, 1000);
    for (const t of [0, 10, 20]) throttle.hit('k', t);
    expect(throttle.retryAfter('k', 30)).toBe(970);
    expect(throttle.retryAfter('other', 30)).toBe(0);
    expect(throttle.retryAfter('k', 1001)).toBe(0);
  });

  it('forgets a key when cleared (a successful sign-in)', () => {
    const throttle = new SlidingWindow(2, 1000);
    throttle.hit('k', 0);
    throttle.clear('k');
    throttle.hit('k', 1);
    expect(throttle.retryAfter('k', 2)).toBe(0);
  });
});
