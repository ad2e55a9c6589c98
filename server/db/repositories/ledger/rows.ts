import type { Knex } from '@mikro-orm/knex';
import type { RecipientState } from '../../../domain/recipient-states.js';

/** The ledger's row shapes and the query pieces its claims, outcomes, counts and bulk changes share. */

export interface NewLedgerRow {
  mailingId: number;
  recipientId: number;
  email: string;
  name: string | null;
  vip: boolean;
  accountId: number | null;
  state: RecipientState;
  lastReply?: string | null;
}

export interface ClaimedRecipient {
  id: number;
  mailingId: number;
  recipientId: number;
  email: string;
  name: string | null;
  vip: boolean;
  /** Attempts in all, this one included. */
  attempts: number;
  /** Attempts since the last restart, this one included: what the backoff and the give-up count. */
  round: number;
  accountId: number;
  /** The claiming run's token (the row's `claimed_by`): every write of that run is fenced by it. */
  claim: string;
}

/**
 * The unsuccessful recipients a restart may send to again: failed, uncertain (the server may have
 * accepted it), and soft-bounced (sent, then bounced for a passing reason). Hard-bounced and
 * complained ones never: their addresses are suppressed.
 */
export type { Unsuccessful } from '../../../domain/mailing-notes.js';

/** A row as one run holds it: its writes touch the row only while the claim is still that run's. */
export type HeldRow = Pick<ClaimedRecipient, 'id' | 'claim'>;

export const T = 'mailing_recipients';
export const CHUNK = 1000;

export const isSqlite = (knex: Knex) => knex.client.dialect === 'sqlite3';

/** The ledger as `r`, read through the named index (MikroORM's name for the entity's index on those properties). */
export const ledgerThrough = (knex: Knex, index: string) => knex.raw(isSqlite(knex) ? '?? as r indexed by ??' : '?? as r force index (??)', [T, index]);

/**
 * Through its (account, state, mailing) index. Named because the planners prefer the mailing's
 * foreign-key index for "this account's pending rows of this mailing, oldest first": that walks
 * every row the mailing already sent, so a claim slows down as the mailing progresses (seconds per
 * claim past a few hundred thousand).
 */
export const claimIndex = (knex: Knex) => ledgerThrough(knex, 'mailing_recipients_account_id_state_mailing_id_index');

/** Rows nothing was tried for: pending ones, and claims a worker has not started (no Message-ID). */
export const queued = (q: Knex.QueryBuilder) => q.where('state', 'pending').orWhere((w) => w.where('state', 'sending').whereNull('message_id'));

/** Rows still held by this claim (null: rows claimed before claims had tokens). */
export const heldBy = (claim: string | null) => (q: Knex.QueryBuilder) => (claim === null ? q.whereNull('claimed_by') : q.where('claimed_by', claim));

/** Counter columns on `mailings` for each final state. */
const COUNTER: Partial<Record<RecipientState, string>> = { sent: 'sent_count', failed: 'failed_count', skipped: 'skipped_count', uncertain: 'uncertain_count' };

export async function bump(trx: Knex, mailingId: number, state: RecipientState, by: number, extra: Record<string, unknown> = {}) {
  const column = COUNTER[state];
  if (!column || by === 0) return;
  await trx('mailings').where({ id: mailingId }).update({ [column]: trx.raw('?? + ?', [column, by]), ...extra });
}
