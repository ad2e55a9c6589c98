import { defineEntity, type InferEntity } from '@mikro-orm/core';

/** An address no mailing may mail again (unsubscribed, hard-bounced, or added by hand). */
export const SuppressionSchema = defineEntity({
  name: 'Suppression',
  tableName: 'suppressions',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    email: p.string().length(254).unique(),
    reason: p.string().length(60),
    source: p.string().length(200).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});

export type Suppression = InferEntity<typeof SuppressionSchema>;
