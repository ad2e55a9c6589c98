import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { UserSchema } from './user.entity.js';
import { DepartmentSchema } from './department.entity.js';
import { CONTENT_FORMATS } from '../../domain/content.js';

export const SignatureSchema = defineEntity({
  name: 'Signature',
  tableName: 'signatures',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    name: p.string().length(120),
    format: p.enum([...CONTENT_FORMATS]),
    body: p.text(),
    isDefault: p.boolean().default(false),
    owner: p.manyToOne(UserSchema).ref().index(),
    department: p.manyToOne(DepartmentSchema).ref().index(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});

export type Signature = InferEntity<typeof SignatureSchema>;
