import { defineEntity, type InferEntity } from '@mikro-orm/core';

/**
 * The counters of rate-limiter-flexible's SQL stores (failed sign-ins, test sends), shared by every
 * process on the database. The library reads and writes the rows itself (its MySQL store inserts
 * by column position: key, points, expire); the schema is ours, so migrations create it.
 */
export const RateLimitSchema = defineEntity({
  name: 'RateLimit',
  tableName: 'rate_limits',
  properties: (p) => ({
    /** `<limiter>:<key>`; keys hold hashes, never a raw e-mail address. */
    key: p.string().length(255).primary(),
    points: p.integer().default(0),
    /** Milliseconds since the epoch when the count (or block) ends; expired rows are deleted. */
    expire: p.bigint('number').nullable().index(),
  }),
});

export type RateLimit = InferEntity<typeof RateLimitSchema>;
