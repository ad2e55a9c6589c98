import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * AES-256-GCM for secrets at rest (SMTP passwords, DKIM keys) and HMAC for signed tokens.
 * Sub-keys are derived from the master key so one secret never serves two purposes.
 */
export class SecretBox {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(masterKey: Buffer) {
    this.encKey = createHmac('sha256', masterKey).update('mailroom:encrypt').digest();
    this.macKey = createHmac('sha256', masterKey).update('mailroom:sign').digest();
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  decrypt(sealed: string): string {
    const [version, payload] = sealed.split(':');
    if (version !== VERSION || !payload) throw new Error('Unknown secret format');
    const raw = Buffer.from(payload, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** A URL-safe MAC of `value` under a purpose, so a token for one use cannot be replayed for another. */
  sign(purpose: string, value: string): string {
    return createHmac('sha256', this.macKey).update(`${purpose}\n${value}`).digest('base64url');
  }
}
