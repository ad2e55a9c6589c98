import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { DepartmentSchema } from './department.entity.js';
import { ROLES } from '../../domain/roles.js';
import { LOCALES } from '../../domain/locales.js';

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    email: p.string().length(254).unique(),
    name: p.string().length(120),
    passwordHash: p.string().length(255).hidden(),
    role: p.enum([...ROLES]),
    department: p.manyToOne(DepartmentSchema).ref().nullable(),
    timeZone: p.string().length(64).default('UTC'),
    /** The language the user chose; null follows their browser. */
    locale: p.enum([...LOCALES]).nullable(),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});

export type User = InferEntity<typeof UserSchema>;
