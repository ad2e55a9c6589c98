import type { Knex } from '@mikro-orm/knex';
import type { Em } from './orm.js';

/** The em's open transaction when there is one, so raw queries join the caller's unit of work. */
export const knexOf = (em: Em): Knex => (em.getTransactionContext<Knex.Transaction>() ?? em.getKnex()) as unknown as Knex;
