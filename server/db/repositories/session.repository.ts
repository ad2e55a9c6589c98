import { createHash, randomBytes } from 'node:crypto';
import type { Em } from '../orm.js';
import { SessionSchema } from '../entities/session.entity.js';
import { UserSchema, type User } from '../entities/user.entity.js';

const SESSION_DAYS = 14;

/** What a session is stored and named by: its token's SHA-256, never the token. */
export const sessionTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Sessions are rows keyed by the token's hash, so a leaked table cannot be replayed as cookies. */
export const sessionRepository = {
  async create(em: Em, userId: number, now: Date): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
    em.create(SessionSchema, { tokenHash: sessionTokenHash(token), user: em.getReference(UserSchema, userId), expiresAt });
    await em.flush();
    return { token, expiresAt };
  },

  /** The active user behind a token, or null when the token is unknown, expired or the user is disabled. */
  async findUser(em: Em, token: string, now: Date): Promise<User | null> {
    const session = await em.findOne(SessionSchema, { tokenHash: sessionTokenHash(token), expiresAt: { $gt: now } }, { populate: ['user'] });
    const user = session?.user.getEntity();
    return user?.active ? user : null;
  },

  async delete(em: Em, token: string): Promise<void> {
    await em.nativeDelete(SessionSchema, { tokenHash: sessionTokenHash(token) });
  },

  /** Ends every session of the user, except the one whose token is `keep` (the caller's own). */
  async deleteForUser(em: Em, userId: number, keep: string | null = null): Promise<void> {
    await em.nativeDelete(SessionSchema, keep === null ? { user: userId } : { user: userId, tokenHash: { $ne: sessionTokenHash(keep) } });
  },

  async deleteExpired(em: Em, now: Date): Promise<number> {
    return em.nativeDelete(SessionSchema, { expiresAt: { $lte: now } });
  },
};
