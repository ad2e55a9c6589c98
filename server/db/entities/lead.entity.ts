import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { recipientColumns } from './recipient-columns.js';

export const LeadSchema = defineEntity({
  name: 'Lead',
  tableName: 'leads',
  properties: (p) => ({
    ...recipientColumns(p),
    firstName: p.string().length(100),
    lastName: p.string().length(100).nullable(),
    title: p.string().length(120).nullable(),
    companyName: p.string().length(200).nullable(),
  }),
});

export type Lead = InferEntity<typeof LeadSchema>;
