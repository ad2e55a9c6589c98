import type { Orm } from '../../server/db/orm.js';
import { hashPassword } from '../../server/security/password.js';
import { DepartmentSchema, UserSchema } from '../../server/db/entities/index.js';
import type { Role } from '../../server/domain/roles.js';
import { BENCH_PASSWORD, type SenderFixture } from '../lib/fixtures.js';
import { post, type Session } from '../lib/api.js';

/** Who watches besides the sender: colleagues and team leads of the department, and company managers. */
const WATCHERS: [Role, number][] = [['sales_manager', 23], ['team_lead', 8], ['company_manager', 8]];
/** Sockets per person (tabs and windows): 40 people × 5 = 200 sockets. */
export const TABS = 5;

/** The people who watch, with the sender's password; returns their e-mails. */
export async function seedWatchers(orm: Orm, sender: SenderFixture): Promise<string[]> {
  const em = orm.em.fork();
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const department = em.getReference(DepartmentSchema, sender.departmentId);
  const users = WATCHERS.flatMap(([role, n]) =>
    Array.from({ length: n }, (_, i) =>
      em.create(UserSchema, { email: `${role}${i}@mailroom.test`, name: `${role} ${i}`, role, passwordHash, department: role === 'company_manager' ? null : department, active: true }),
    ),
  );
  await em.flush();
  return users.map((u) => u.email);
}


/** The sender's mailing to every company, created paused so every watcher is in the room before the first send. */
export async function createWatchedMailing(url: string, sender: Session, fixture: SenderFixture): Promise<number> {
  const { mailings } = await post<{ mailings: { id: number }[] }>(url, sender, '/api/mailings', { messageId: fixture.messageId, selections: { company: { filter: {} } }, start: 'paused' });
  return mailings[0].id;
}
