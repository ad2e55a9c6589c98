import type { Em } from '../orm.js';
import { UserSchema } from '../entities/user.entity.js';
import { hashPassword } from '../../security/password.js';

/** Production bootstrap: the first admin from ADMIN_EMAIL/ADMIN_PASSWORD when no user exists yet. */
export async function seedAdmin(em: Em, email: string, password: string): Promise<boolean> {
  if ((await em.count(UserSchema, {})) > 0) return false;
  em.create(UserSchema, { email: email.toLowerCase(), name: 'Administrator', role: 'admin', passwordHash: await hashPassword(password), department: null });
  await em.flush();
  return true;
}
