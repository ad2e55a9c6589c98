import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { recipientColumns } from './recipient-columns.js';
import { CompanySchema } from './company.entity.js';

export const ContactSchema = defineEntity({
  name: 'Contact',
  tableName: 'contacts',
  properties: (p) => ({
    ...recipientColumns(p),
    firstName: p.string().length(100),
    lastName: p.string().length(100).nullable(),
    title: p.string().length(120).nullable(),
    company: p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
  }),
});

export type Contact = InferEntity<typeof ContactSchema>;
