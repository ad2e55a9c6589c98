import type { Knex } from '@mikro-orm/knex';
import type { Em } from '../orm.js';
import type { RecipientState } from '../../domain/recipient-states.js';

/**
 * The recipients ledger's queries. Every state change is one guarded UPDATE (`where state = …`)
 * and every counter moves by an SQL expression, so concurrent writers never undo each other and a
 * stale copy can never overwrite a newer state.
 */

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
  /** Chosen at the claim and stored with it, so even an uncertain send has a traceable Message-ID. */
  messageId: string;
  vip: boolean;
  attempts: number;
  accountId: number;
}

const T = 'mailing_recipients';
const LIVE = ['active', 'active_error'];
const CHUNK = 1000;

/** The em's open transaction when there is one, so ledger writes join the caller's unit of work. */
export const knexOf = (em: Em): Knex => (em.getTransactionContext<Knex.Transaction>() ?? em.getKnex()) as unknown as Knex;

/** Counter columns on `mailings` for each final state. */
const COUNTER: Partial<Record<RecipientState, string>> = { sent: 'sent_count', failed: 'failed_count', skipped: 'skipped_count', uncertain: 'uncertain_count' };

async function bump(trx: Knex, mailingId: number, state: RecipientState, by: number, extra: Record<string, unknown> = {}) {
  const column = COUNTER[state];
  if (!column || by === 0) return;
  await trx('mailings').where({ id: mailingId }).update({ [column]: trx.raw('?? + ?', [column, by]), ...extra });
}

export const ledgerRepository = {
  /** Bulk insert in chunks: a 100 000-recipient mailing is ~100 statements, not 100 000. */
  async insert(em: Em, rows: NewLedgerRow[], now: Date): Promise<void> {
    const knex = knexOf(em);
    for (let i = 0; i < rows.length; i += CHUNK) {
      await knex(T).insert(
        rows.slice(i, i + CHUNK).map((r) => ({
          mailing_id: r.mailingId, recipient_id: r.recipientId, email: r.email, name: r.name, vip: r.vip,
          account_id: r.accountId, state: r.state, attempts: 0, last_reply: r.lastReply ?? null, updated_at: now,
        })),
      );
    }
  },

  /**
   * Claims the next due recipient of this account: the oldest pending one of the live mailing
   * that sent least recently (so an owner's mailings share the account in turn). The guarded
   * UPDATE is committed before any SMTP traffic; losing a race to another worker just tries again.
   * Suppressed addresses are skipped here, so an unsubscribe takes effect from the next claim.
   */
  async claimNext(em: Em, accountId: number, now: Date, leaseMs: number, newMessageId: () => string): Promise<ClaimedRecipient | null> {
    const knex = knexOf(em);
    for (let lost = 0; lost < 5; ) {
      const candidate = await knex(`${T} as r`)
        .join('mailings as m', 'm.id', 'r.mailing_id')
        .where('r.account_id', accountId)
        .andWhere('r.state', 'pending')
        .whereIn('m.status', LIVE)
        .andWhere((q) => q.whereNull('r.due_at').orWhere('r.due_at', '<=', now))
        .orderByRaw('m.last_sent_at is not null, m.last_sent_at asc, r.id asc')
        .first('r.id', 'r.mailing_id', 'r.recipient_id', 'r.email', 'r.name', 'r.vip', 'r.attempts', 'r.account_id');
      if (!candidate) return null;
      const suppressed = await knex('suppressions').where({ email: candidate.email }).first('id');
      if (suppressed) {
        // Not a lost race: skipping does not count against the tries, however many in a row.
        await this.finish(em, Number(candidate.id), Number(candidate.mailing_id), 'pending', 'skipped', { lastReply: 'Unsubscribed', now });
        continue;
      }
      const messageId = newMessageId();
      // Guarded twice: the row must still be pending, and its mailing still live at this instant
      // (InnoDB locks the mailing row the subquery reads, so a pause, cancel or combine being
      // committed is waited for, and wins).
      const won = await knex(T)
        .where({ id: candidate.id, mailing_id: candidate.mailing_id, state: 'pending' })
        .whereExists(knex('mailings').whereRaw('mailings.id = ??', [`${T}.mailing_id`]).whereIn('status', LIVE).select(knex.raw('1')))
        .update({ state: 'sending', message_id: messageId, lease_until: new Date(now.getTime() + leaseMs), attempts: knex.raw('attempts + 1'), updated_at: now });
      if (won === 1) {
        return {
          id: Number(candidate.id), mailingId: Number(candidate.mailing_id), recipientId: Number(candidate.recipient_id),
          email: candidate.email, name: candidate.name ?? null, messageId, vip: Boolean(candidate.vip), attempts: Number(candidate.attempts) + 1, accountId: Number(candidate.account_id),
        };
      }
      lost++;
    }
    return null;
  },

  /** Moves one row `from` → `to` (guarded) and its mailing's counters with it; false if someone else moved it first. */
  async finish(
    em: Em,
    id: number,
    mailingId: number,
    from: RecipientState,
    to: RecipientState,
    fields: { now: Date; lastReply?: string | null; messageId?: string | null },
  ): Promise<boolean> {
    return knexOf(em).transaction(async (trx) => {
      const changed = await trx(T)
        .where({ id, state: from })
        .update({
          state: to, lease_until: null, updated_at: fields.now,
          ...(fields.lastReply !== undefined ? { last_reply: fields.lastReply?.slice(0, 1000) ?? null } : {}),
          ...(fields.messageId !== undefined ? { message_id: fields.messageId } : {}),
          ...(to === 'sent' ? { sent_at: fields.now } : {}),
        });
      if (changed !== 1) return false;
      await bump(trx, mailingId, to, 1, to === 'sent' ? { last_sent_at: fields.now } : {});
      return true;
    });
  },

  /** A temporary failure: back to pending, due again at `dueAt`. */
  async retryLater(em: Em, id: number, dueAt: Date, reply: string, now: Date): Promise<boolean> {
    const changed = await knexOf(em)(T).where({ id, state: 'sending' }).update({ state: 'pending', due_at: dueAt, lease_until: null, last_reply: reply.slice(0, 1000), updated_at: now });
    return changed === 1;
  },

  /** Releases a claim without counting an attempt (the account failed before this recipient was tried). */
  async release(em: Em, id: number, now: Date): Promise<void> {
    const knex = knexOf(em);
    await knex(T).where({ id, state: 'sending' }).update({ state: 'pending', lease_until: null, attempts: knex.raw('attempts - 1'), updated_at: now });
  },

  /**
   * Rows left in `sending` past their lease belong to a worker that died mid-send: nobody knows
   * whether the server accepted the message, so they become `uncertain`, never resent silently.
   */
  async expireLeases(em: Em, now: Date): Promise<{ id: number; mailingId: number; email: string }[]> {
    const knex = knexOf(em);
    const stale = await knex(T).where('state', 'sending').andWhere('lease_until', '<', now).select('id', 'mailing_id', 'email');
    const expired: { id: number; mailingId: number; email: string }[] = [];
    for (const row of stale) {
      if (await this.finish(em, Number(row.id), Number(row.mailing_id), 'sending', 'uncertain', { now, lastReply: 'The worker stopped during the SMTP transaction; delivery is unknown' })) {
        expired.push({ id: Number(row.id), mailingId: Number(row.mailing_id), email: row.email });
      }
    }
    return expired;
  },

  /**
   * What counts against the account's daily limit since `since` (the start of its day): sent
   * messages, and those in flight or uncertain, which the server may well have accepted.
   */
  async sentSince(em: Em, accountId: number, since: Date): Promise<number> {
    return (await this.sentSinceByAccount(em, [accountId], since)).get(accountId) ?? 0;
  },

  /** `sentSince` for many accounts whose day starts at the same instant, in two grouped queries. */
  async sentSinceByAccount(em: Em, accountIds: number[], since: Date): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    if (!accountIds.length) return counts;
    const knex = knexOf(em);
    const sent = knex(T).whereIn('account_id', accountIds).andWhere('state', 'sent').andWhere('sent_at', '>=', since).groupBy('account_id').select('account_id').count({ n: '*' });
    const maybe = knex(T).whereIn('account_id', accountIds).whereIn('state', ['sending', 'uncertain']).andWhere('updated_at', '>=', since).groupBy('account_id').select('account_id').count({ n: '*' });
    for (const rows of await Promise.all([sent, maybe])) {
      for (const r of rows as { account_id: number; n: number | string }[]) counts.set(Number(r.account_id), (counts.get(Number(r.account_id)) ?? 0) + Number(r.n));
    }
    return counts;
  },

  /** Counts by state (with pending split into due now and waiting for a retry). */
  async progress(em: Em, mailingId: number, now: Date) {
    const knex = knexOf(em);
    const rows = await knex(T).where({ mailing_id: mailingId }).groupBy('state').select('state').count({ n: '*' });
    const counts: Record<RecipientState | 'retrying', number> = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0, uncertain: 0, retrying: 0 };
    for (const r of rows as { state: RecipientState; n: number | string }[]) counts[r.state] = Number(r.n);
    const retrying = await knex(T).where({ mailing_id: mailingId, state: 'pending' }).andWhere('due_at', '>', now).count({ n: '*' }).first();
    counts.retrying = Number(retrying?.n ?? 0);
    return counts;
  },

  async rebind(em: Em, ids: number[], accountId: number, now: Date): Promise<void> {
    const knex = knexOf(em);
    for (let i = 0; i < ids.length; i += CHUNK) {
      await knex(T).whereIn('id', ids.slice(i, i + CHUNK)).andWhere('state', 'pending').update({ account_id: accountId, updated_at: now });
    }
  },

  /**
   * Puts the unsuccessful recipients of a mailing back in the queue (failed, and uncertain when
   * asked) and takes them off the counters. Returns how many.
   */
  async requeue(em: Em, mailingId: number, states: ('failed' | 'uncertain')[], now: Date): Promise<number> {
    return knexOf(em).transaction(async (trx) => {
      let total = 0;
      for (const state of states) {
        const n = await trx(T).where({ mailing_id: mailingId, state }).update({ state: 'pending', due_at: null, attempts: 0, updated_at: now });
        await bump(trx, mailingId, state, -n);
        total += n;
      }
      return total;
    });
  },

  /** Accounts with due work in live mailings: the reconcile job makes sure each has its job. */
  async accountsWithWork(em: Em): Promise<number[]> {
    const rows = await knexOf(em)(`${T} as r`)
      .join('mailings as m', 'm.id', 'r.mailing_id')
      .where('r.state', 'pending')
      .whereIn('m.status', LIVE)
      .whereNotNull('r.account_id')
      .distinct('r.account_id');
    return rows.map((r) => Number(r.account_id));
  },

  async hasPendingOnAccount(em: Em, mailingId: number, accountId: number): Promise<boolean> {
    return Boolean(await knexOf(em)(T).where({ mailing_id: mailingId, account_id: accountId, state: 'pending' }).first('id'));
  },

  /**
   * Pending rows of live or paused mailings that their account can no longer take: the account
   * was deleted, switched off, failed, moved to another owner, or is a main account holding a
   * non-VIP recipient.
   */
  async stranded(em: Em, ownerId?: number): Promise<{ id: number; vip: boolean; mailingId: number; ownerId: number }[]> {
    const knex = knexOf(em);
    const q = knex(`${T} as r`)
      .join('mailings as m', 'm.id', 'r.mailing_id')
      .leftJoin('email_accounts as a', 'a.id', 'r.account_id')
      .where('r.state', 'pending')
      .whereIn('m.status', [...LIVE, 'paused'])
      .andWhere((w) =>
        w.whereNull('a.id')
          .orWhere('a.mass_mail_enabled', false)
          .orWhereIn('a.health', ['auth_failed', 'sender_refused', 'unreachable'])
          .orWhereRaw('a.owner_id <> m.owner_id')
          .orWhere((x) => x.where('a.main', true).andWhere('r.vip', false)),
      )
      .orderBy('r.id')
      .select('r.id', 'r.vip', 'r.mailing_id', 'm.owner_id');
    if (ownerId) q.andWhere('m.owner_id', ownerId);
    return (await q).map((r) => ({ id: Number(r.id), vip: Boolean(r.vip), mailingId: Number(r.mailing_id), ownerId: Number(r.owner_id) }));
  },

  /** How many recipients of a mailing each account still has to send. */
  async pendingByAccount(em: Em, mailingId: number): Promise<Map<number, number>> {
    const rows = await knexOf(em)(T).where({ mailing_id: mailingId, state: 'pending' }).whereNotNull('account_id').groupBy('account_id').select('account_id').count({ n: '*' });
    return new Map((rows as { account_id: number; n: number | string }[]).map((r) => [Number(r.account_id), Number(r.n)]));
  },
};
