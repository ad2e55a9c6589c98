import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../security/secret-box.js';

/**
 * OWASP's device cookies: a browser that signed in to an account keeps a signed cookie naming a
 * random device id and that account. Anyone can make an account wait by failing on purpose; a
 * browser holding such a cookie skips that wait and is counted on its own instead, so an attacker
 * can slow strangers down but never keep the owner out of a browser they used before.
 */
export const DEVICE_COOKIE = 'mailroom_device';
export const DEVICE_COOKIE_DAYS = 365;

const PURPOSE = 'login-device';
const COOKIE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

const macOf = (secrets: SecretBox, device: string, email: string) => secrets.sign(PURPOSE, `${device}\n${email}`);

/** A new device cookie for a browser that just signed in as `email`. */
export function deviceCookie(secrets: SecretBox, email: string): string {
  const device = randomBytes(16).toString('base64url');
  return `${device}.${macOf(secrets, device, email)}`;
}

/** The device id of a cookie issued to a browser that signed in as `email`; null for anything else. */
export function deviceOf(secrets: SecretBox, cookie: string | undefined, email: string): string | null {
  const match = COOKIE.exec(cookie ?? '');
  if (!match) return null;
  const [, device, mac] = match;
  return timingSafeEqual(Buffer.from(mac), Buffer.from(macOf(secrets, device, email))) ? device : null;
}
