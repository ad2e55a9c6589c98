import { defineEntity } from '@mikro-orm/core';
import { DepartmentSchema } from './department.entity.js';
import { UserSchema } from './user.entity.js';

type Builders = Parameters<Extract<Parameters<typeof defineEntity>[0]['properties'], (...a: never[]) => unknown>>[0];

/**
 * The columns every mailable CRM object shares (companies, contacts, leads): who owns it,
 * where it may be mailed, and whether it may be mailed at all.
 */
export const recipientColumns = (p: Builders) => ({
  id: p.integer().primary().autoincrement(),
  email: p.string().length(254).nullable(),
  country: p.string().length(80).nullable(),
  owner: p.manyToOne(UserSchema).ref().index(),
  department: p.manyToOne(DepartmentSchema).ref().index(),
  vip: p.boolean().default(false),
  massMailing: p.boolean().default(true),
  disqualified: p.boolean().default(false),
  createdAt: p.datetime().onCreate(() => new Date()),
});
