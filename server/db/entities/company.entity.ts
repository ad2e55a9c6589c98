import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { recipientColumns } from './recipient-columns.js';

export const CompanySchema = defineEntity({
  name: 'Company',
  tableName: 'companies',
  properties: (p) => ({
    ...recipientColumns(p),
    name: p.string().length(200),
    website: p.string().length(200).nullable(),
  }),
});

export type Company = InferEntity<typeof CompanySchema>;
