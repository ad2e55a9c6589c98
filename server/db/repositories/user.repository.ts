import type { Em } from '../orm.js';
import { UserSchema, type User } from '../entities/user.entity.js';
import { seesAllDepartments, type Actor } from '../../domain/visibility.js';
import type { Locale } from '../../domain/locales.js';

/** Admins and company managers see every user; others the users of their own department (or only themselves). */
const visibleTo = (actor: Actor) => {
  if (seesAllDepartments(actor)) return {};
  return actor.departmentId === null ? { id: actor.id } : { department: actor.departmentId };
};

/** Users, each with their department loaded (what every caller shows or checks next). */
export const userRepository = {
  byId(em: Em, id: number): Promise<User | null> {
    return em.findOne(UserSchema, { id }, { populate: ['department'] });
  },

  byEmail(em: Em, email: string): Promise<User | null> {
    return em.findOne(UserSchema, { email }, { populate: ['department'] });
  },

  /** The user when the actor may see them, else null. */
  visibleById(em: Em, actor: Actor, id: number): Promise<User | null> {
    return em.findOne(UserSchema, { $and: [{ id }, visibleTo(actor)] }, { populate: ['department'] });
  },

  /** The users the actor may see, in name order. */
  visible(em: Em, actor: Actor): Promise<User[]> {
    return em.find(UserSchema, visibleTo(actor), { populate: ['department'], orderBy: { name: 'asc', id: 'asc' } });
  },

  /** The user's own language choice; null follows their browser. */
  async setLocale(em: Em, id: number, locale: Locale | null): Promise<void> {
    await em.nativeUpdate(UserSchema, { id }, { locale });
  },
};
