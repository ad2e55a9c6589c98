import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../server/security/secret-box.js';
import { deviceCookie, deviceOf } from '../../server/http/device-cookie.js';

const secrets = new SecretBox(Buffer.alloc(32, 3));

describe('device cookies', () => {
  // A device cookie skips an account's sign-in waits: only one the server issued, for that account, counts.
  it('names its device only for the account it was issued for, and only when signed by this server', () => {
    const cookie = deviceCookie(secrets, 'anna@example.test');
    const device = deviceOf(secrets, cookie, 'anna@example.test');
    expect(device).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(deviceOf(secrets, cookie, 'ben@example.test')).toBeNull();
    expect(deviceOf(new SecretBox(Buffer.alloc(32, 4)), cookie, 'anna@example.test')).toBeNull();
    expect(deviceOf(secrets, `${cookie.slice(0, -1)}${cookie.endsWith('A') ? 'B' : 'A'}`, 'anna@example.test')).toBeNull();
    for (const junk of [undefined, '', '.', 'x'.repeat(66), `${device}.é${'a'.repeat(42)}`]) expect(deviceOf(secrets, junk, 'anna@example.test')).toBeNull();
  });
});
