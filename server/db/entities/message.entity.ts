import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { UserSchema } from './user.entity.js';
import { DepartmentSchema } from './department.entity.js';
import { SignatureSchema } from './signature.entity.js';

/** A newsletter template: subject and bodies are liquid templates rendered per recipient. */
export const MessageSchema = defineEntity({
  name: 'Message',
  tableName: 'messages',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    name: p.string().length(200),
    subject: p.string().length(300),
    html: p.text(),
    text: p.text().nullable(),
    signature: p.manyToOne(SignatureSchema).ref().nullable().deleteRule('set null'),
    owner: p.manyToOne(UserSchema).ref().index(),
    department: p.manyToOne(DepartmentSchema).ref().index(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});

export type Message = InferEntity<typeof MessageSchema>;
