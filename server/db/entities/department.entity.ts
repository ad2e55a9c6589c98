import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const DepartmentSchema = defineEntity({
  name: 'Department',
  tableName: 'departments',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    name: p.string().length(120).unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});

export type Department = InferEntity<typeof DepartmentSchema>;
