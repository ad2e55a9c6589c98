import type { Knex } from '@mikro-orm/knex';
import type { Em } from '../orm.js';
import type { RecipientState } from '../../domain/recipient-states.js';
import { SENDING_STATUSES, LIVE_STATUSES } from '../../domain/mailing-status.js';
import { FAILED_HEALTH } from '../../domain/account-health.js';
import { retryOnDeadlock } from './retry.js';
import { knexOf } from '../knex.js';

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
  vip: boolean;
  /** Attempts in all, this one included. */
  attempts: number;
  /** Attempts since the last restart, this one included: what the backoff and the give-up count. */
  round: number;
  accountId: number;
  /** The claiming run's token (the row's `claimed_by`): every write of that run is fenced by it. */
  claim: string;
}

/** A row as one run holds it: its writes touch the row only while the claim is still that run's. */
export type HeldRow = Pick<ClaimedRecipient, 'id' | 'claim'>;

const T = 'mailing_recipients';
const CHUNK = 1000;

const isSqlite = (knex: Knex) => knex.client.dialect === 'sqlite3';

/** The ledger as `r`, read through the named index (MikroORM's name for the entity's index on those properties). */
const ledgerThrough = (knex: Knex, index: string) => knex.raw(isSqlite(knex) ? '?? as r indexed by ??' : '?? as r force index (??)', [T, index]);

/**
 * Through its (account, state, mailing) index. Named because the planners prefer the mailing's
 * foreign-key index for "this account's pending rows of this mailing, oldest first": that walks
 * every row the mailing already sent, so a claim slows down as the mailing progresses (seconds per
 * claim past a few hundred thousand).
 */
const claimIndex = (knex: Knex) => ledgerThrough(knex, 'mailing_recipients_account_id_state_mailing_id_index');

/** Rows nothing was tried for: pending ones, and claims a worker has not started (no Message-ID). */
const queued = (q: Knex.QueryBuilder) => q.where('state', 'pending').orWhere((w) => w.where('state', 'sending').whereNull('message_id'));

/** Rows still held by this claim (null: rows claimed before claims had tokens). */
const heldBy = (claim: string | null) => (q: Knex.QueryBuilder) => (claim === null ? q.whereNull('claimed_by') : q.where('claimed_by', claim));

/** Counter columns on `mailings` for each final state. */
const COUNTER: Partial<Record<RecipientState, string>> = { sent: 'sent_count', failed: 'failed_count', skipped: 'skipped_count', uncertain: 'uncertain_count' };

async function bump(trx: Knex, mailingId: number, state: RecipientState, by: number, extra: Record<string, unknown> = {}) {
  const column = COUNTER[state];
  if (!column || by === 0) return;
  await trx('mailings').where({ id: mailingId }).update({ [column]: trx.raw('?? + ?', [column, by]), ...extra });
}

export const ledgerRepository = {
  /**
   * Bulk insert in chunks: a 100 000-recipient mailing is ~100 statements, not 100 000. Written
   * as one plain statement with its values in column order, not through knex's insert builder,
   * which copies and sorts every row object: at a million rows that garbage grew the server's
   * heap by another ~40 MB.
   */
  async insert(em: Em, rows: NewLedgerRow[], now: Date): Promise<void> {
    const knex = knexOf(em);
    const columns = ['mailing_id', 'recipient_id', 'email', 'name', 'vip', 'account_id', 'state', 'attempts', 'last_reply', 'updated_at'];
    const row = `(${columns.map(() => '?').join(', ')})`;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const values: Knex.Value[] = [];
      for (const r of chunk) values.push(r.mailingId, r.recipientId, r.email, r.name, r.vip, r.accountId, r.state, 0, r.lastReply ?? null, now);
      await knex.raw(`insert into ${T} (${columns.join(', ')}) values ${chunk.map(() => row).join(', ')}`, values);
    }
  },

  /**
   * Claims up to `limit` due recipients of this account, all of one mailing: the live mailing
   * that sent least recently (so an owner's mailings share the account in turn), oldest rows
   * first. They move to `sending` in one committed transaction that locks just those rows, so no
   * other worker can hold them too. No Message-ID yet: nothing has been tried (startAttempt marks
   * each row just before its SMTP transaction, and until then cancel and combine treat it as
   * pending). Suppressed addresses are skipped here, so an unsubscribe takes effect from the next claim.
   * `claim` names the claiming run (see ClaimedRecipient.claim).
   */
  async claimBatch(em: Em, accountId: number, now: Date, leaseMs: number, limit: number, claim: string): Promise<ClaimedRecipient[]> {
    const knex = knexOf(em);
    const due = (q: Knex.QueryBuilder) => q.whereNull('r.due_at').orWhere('r.due_at', '<=', now);
    for (let lost = 0; lost < 5; ) {
      // One probe per live mailing on the claim index: no sort over the account's rows.
      const mailing = await knex('mailings as m')
        .whereIn('m.status', SENDING_STATUSES)
        .whereExists(knex.from(claimIndex(knex)).whereRaw('r.mailing_id = m.id').andWhere({ 'r.account_id': accountId, 'r.state': 'pending' }).andWhere(due).select(knex.raw('1')))
        .orderByRaw('m.last_sent_at is not null, m.last_sent_at asc, m.id asc')
        .first('m.id');
      if (!mailing) return [];
      const mailingId = Number(mailing.id);
      // Read without locks; the transaction below locks only these rows, by primary key.
      const candidates = await knex
        .from(claimIndex(knex))
        .where({ 'r.account_id': accountId, 'r.state': 'pending', 'r.mailing_id': mailingId })
        .andWhere(due)
        .orderBy('r.id')
        .limit(limit)
        .select('r.id', 'r.recipient_id', 'r.email', 'r.name', 'r.vip', 'r.attempts', 'r.attempts_before_restart');
      if (!candidates.length) {
        lost++;
        continue;
      }
      const { claimed, skipped } = await retryOnDeadlock(() =>
        knex.transaction(async (trx) => {
          // Rows another worker took meanwhile are no longer pending once their claim commits.
          const lock = trx(T).whereIn('id', candidates.map((c) => c.id)).andWhere('state', 'pending').select('id', 'email');
          const rows = isSqlite(trx) ? await lock : await lock.forUpdate();
          const suppressed = new Set((await trx('suppressions').whereIn('email', rows.map((r) => r.email)).select('email')).map((r) => r.email as string));
          const skip = rows.filter((r) => suppressed.has(r.email)).map((r) => Number(r.id));
          const take = rows.filter((r) => !suppressed.has(r.email)).map((r) => Number(r.id));
          if (skip.length) {
            const n = await trx(T).whereIn('id', skip).update({ state: 'skipped', last_reply: 'Unsubscribed', updated_at: now });
            await bump(trx, mailingId, 'skipped', n);
          }
          // Guarded by the mailing still being live at this instant (InnoDB locks the mailing row
          // the subquery reads, so a pause, cancel or combine being committed is waited for, and wins).
          const won = take.length
            ? await trx(T)
                .whereIn('id', take)
                .whereExists(trx('mailings').where('mailings.id', mailingId).whereIn('status', SENDING_STATUSES).select(trx.raw('1')))
                .update({ state: 'sending', message_id: null, claimed_by: claim, lease_until: new Date(now.getTime() + leaseMs), attempts: trx.raw('attempts + 1'), updated_at: now })
            : 0;
          return { claimed: won ? new Set(take) : new Set<number>(), skipped: skip.length };
        }),
      );
      // Nothing claimed: the rows were all suppressed (not a lost race, however many in a row),
      // another worker took them, or the mailing stopped meanwhile. Look again.
      if (!claimed.size) {
        if (!skipped) lost++;
        continue;
      }
      return candidates.filter((c) => claimed.has(Number(c.id))).map((c) => ({
        id: Number(c.id), mailingId, recipientId: Number(c.recipient_id), email: c.email, name: c.name ?? null,
        vip: Boolean(c.vip), attempts: Number(c.attempts) + 1, round: Number(c.attempts) + 1 - Number(c.attempts_before_restart), accountId, claim,
      }));
    }
    return [];
  },

  /**
   * Marks a claimed row as handed to SMTP, with its Message-ID, committed before the transaction
   * starts: from here on a crash makes it uncertain. Its lease starts again, so it measures this
   * one transaction, not the wait behind the others of the batch. False when the row moved on
   * meanwhile (cancelled, combined, its claim's lease ran out or another run holds it) or its mailing is no longer
   * live (paused, cancelled, interrupted, combined, by any process): then it must not be sent.
   * The mailing's status is read by the same statement, and InnoDB's read of it in an UPDATE's
   * subquery is a locking one, so a status change being committed is waited for and wins.
   */
  async startAttempt(em: Em, row: HeldRow, messageId: string, now: Date, leaseMs: number): Promise<boolean> {
    const knex = knexOf(em);
    const changed = await retryOnDeadlock(() =>
      knex(T)
        .where({ id: row.id, state: 'sending', claimed_by: row.claim })
        .whereNull('message_id')
        .andWhere('lease_until', '>', now)
        .whereExists(knex('mailings').whereRaw('mailings.id = ??', [`${T}.mailing_id`]).whereIn('mailings.status', SENDING_STATUSES).select(knex.raw('1')))
        .update({ message_id: messageId, lease_until: new Date(now.getTime() + leaseMs), updated_at: now }),
    );
    return changed === 1;
  },

  /**
   * Records a run's accepted messages in one statement (guarded: only rows still `sending` under
   * this run's claim) and moves the mailing's counter by as many. Returns the ids that were recorded.
   */
  async finishSent(em: Em, mailingId: number, claim: string, sent: { id: number; reply: string }[], now: Date): Promise<number[]> {
    if (!sent.length) return [];
    return retryOnDeadlock(() => knexOf(em).transaction(async (trx) => {
      const ids = sent.map((s) => s.id);
      const changed = await trx(T)
        .whereIn('id', ids)
        .andWhere('state', 'sending')
        .andWhere(heldBy(claim))
        .update({
          state: 'sent', lease_until: null, sent_at: now, updated_at: now,
          last_reply: trx.raw(`case id ${sent.map(() => 'when ? then ?').join(' ')} end`, sent.flatMap((s) => [s.id, s.reply.slice(0, 1000)])),
        });
      await bump(trx, mailingId, 'sent', changed, { last_sent_at: now });
      // A lease that expired meanwhile made some rows uncertain: report only what was recorded.
      return changed === ids.length ? ids : (await trx(T).whereIn('id', ids).andWhere('state', 'sent').select('id')).map((r) => Number(r.id));
    }));
  },

  /**
   * Moves one row `from` → `to` (guarded, and by `claim` when given: a run passes its own) and its
   * mailing's counters with it; false if someone else moved it first.
   */
  async finish(
    em: Em,
    id: number,
    mailingId: number,
    from: RecipientState,
    to: RecipientState,
    fields: { now: Date; lastReply?: string | null; messageId?: string | null; claim?: string | null },
  ): Promise<boolean> {
    return knexOf(em).transaction(async (trx) => {
      const changed = await trx(T)
        .where({ id, state: from })
        .andWhere((q) => (fields.claim === undefined ? q : heldBy(fields.claim)(q)))
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
  async retryLater(em: Em, row: HeldRow, dueAt: Date, reply: string, now: Date): Promise<boolean> {
    const changed = await knexOf(em)(T)
      .where({ id: row.id, state: 'sending', claimed_by: row.claim })
      .update({ state: 'pending', due_at: dueAt, lease_until: null, claimed_by: null, last_reply: reply.slice(0, 1000), updated_at: now });
    return changed === 1;
  },

  /**
   * Releases claims without counting an attempt (nothing was accepted: the account or the mailing
   * stopped first). Only rows this claim still holds: a run that outlived its lock must not hand
   * back rows a newer run has claimed since, and may be sending.
   */
  async release(em: Em, claim: string | null, ids: number[], now: Date): Promise<void> {
    if (!ids.length) return;
    const knex = knexOf(em);
    await knex(T).whereIn('id', ids).andWhere('state', 'sending').andWhere(heldBy(claim)).update({ state: 'pending', message_id: null, lease_until: null, claimed_by: null, attempts: knex.raw('attempts - 1'), updated_at: now });
  },

  /**
   * Rows left in `sending` past their lease belong to a worker that died. Those it never started
   * (no Message-ID) go back to the queue; for the others nobody knows whether the server accepted
   * the message, so they become `uncertain`, never resent silently.
   */
  async expireLeases(em: Em, now: Date): Promise<{ id: number; mailingId: number; email: string }[]> {
    const knex = knexOf(em);
    // Claims in flight are few, but found by state alone they cost a scan of the whole ledger (every
    // 30 s, a million rows at a time): read through the claim index, for every account and for the
    // rows whose account was deleted.
    const accounts = await knex('email_accounts').pluck('id');
    const inFlight = (q: Knex.QueryBuilder) => q.andWhere('r.state', 'sending').andWhere('r.lease_until', '<', now).select('r.id', 'r.mailing_id', 'r.email', 'r.message_id', 'r.claimed_by');
    const expiredRows = [
      ...(accounts.length ? await inFlight(knex.from(claimIndex(knex)).whereIn('r.account_id', accounts)) : []),
      ...(await inFlight(knex.from(claimIndex(knex)).whereNull('r.account_id'))),
    ];
    // Each under the claim it was read with: a row claimed again meanwhile is the new run's.
    for (const row of expiredRows.filter((r) => r.message_id === null)) await ledgerRepository.release(em, row.claimed_by, [Number(row.id)], now);
    const stale = expiredRows.filter((r) => r.message_id !== null);
    const expired: { id: number; mailingId: number; email: string }[] = [];
    for (const row of stale) {
      if (await ledgerRepository.finish(em, Number(row.id), Number(row.mailing_id), 'sending', 'uncertain', { now, claim: row.claimed_by, lastReply: 'The worker stopped during the SMTP transaction; delivery is unknown' })) {
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
    return (await ledgerRepository.sentSinceByAccount(em, [accountId], since)).get(accountId) ?? 0;
  },

  /** `sentSince` for many accounts whose day starts at the same instant, in two grouped queries. */
  async sentSinceByAccount(em: Em, accountIds: number[], since: Date): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    if (!accountIds.length) return counts;
    const knex = knexOf(em);
    // Indexes named: a company manager's list page asks for a hundred accounts or more, and MariaDB
    // then spends longer estimating every index for each of them than reading the one that serves.
    const sent = knex.from(ledgerThrough(knex, 'mailing_recipients_account_id_state_sent_at_index')).whereIn('r.account_id', accountIds).andWhere('r.state', 'sent').andWhere('r.sent_at', '>=', since).groupBy('r.account_id').select('r.account_id').count({ n: '*' });
    const maybe = knex.from(claimIndex(knex)).whereIn('r.account_id', accountIds).whereIn('r.state', ['sending', 'uncertain']).andWhere('r.updated_at', '>=', since).groupBy('r.account_id').select('r.account_id').count({ n: '*' });
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
   * asked) and takes them off the counters. Returns how many. Their attempts and last reply stay
   * (the history); a new round of retries starts from here.
   */
  async requeue(em: Em, mailingId: number, states: ('failed' | 'uncertain')[], now: Date): Promise<number> {
    return knexOf(em).transaction(async (trx) => {
      let total = 0;
      for (const state of states) {
        const n = await trx(T).where({ mailing_id: mailingId, state }).update({ state: 'pending', due_at: null, attempts_before_restart: trx.ref('attempts'), updated_at: now });
        await bump(trx, mailingId, state, -n);
        total += n;
      }
      return total;
    });
  },

  /** Accounts with due work in live mailings: the reconcile job makes sure each has its job. */
  /**
   * The accounts with a pending row in a running mailing. Asked per account for one such row through
   * the claim index: joining every pending row to its mailing read them all, a million at a time.
   */
  async accountsWithWork(em: Em): Promise<number[]> {
    const knex = knexOf(em);
    const live = await knex('mailings').whereIn('status', SENDING_STATUSES).pluck('id');
    if (!live.length) return [];
    const rows = await knex('email_accounts as a')
      .whereExists(knex.from(claimIndex(knex)).whereRaw('r.account_id = a.id').andWhere('r.state', 'pending').whereIn('r.mailing_id', live).select(knex.raw('1')))
      .select('a.id');
    return rows.map((r) => Number(r.id));
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
      .whereIn('m.status', LIVE_STATUSES)
      .andWhere((w) =>
        w.whereNull('a.id')
          .orWhere('a.mass_mail_enabled', false)
          .orWhereIn('a.health', FAILED_HEALTH)
          .orWhereRaw('a.owner_id <> m.owner_id')
          .orWhere((x) => x.where('a.main', true).andWhere('r.vip', false)),
      )
      .orderBy('r.id')
      .select('r.id', 'r.vip', 'r.mailing_id', 'm.owner_id');
    if (ownerId) q.andWhere('m.owner_id', ownerId);
    return (await q).map((r) => ({ id: Number(r.id), vip: Boolean(r.vip), mailingId: Number(r.mailing_id), ownerId: Number(r.owner_id) }));
  },

  /** Cancels a mailing's queue: its pending rows, and claims nobody has started, become skipped. */
  async skipQueued(em: Em, mailingId: number, reason: string, now: Date): Promise<number> {
    return knexOf(em).transaction(async (trx) => {
      const n = await trx(T).where({ mailing_id: mailingId }).andWhere(queued).update({ state: 'skipped', last_reply: reason, lease_until: null, updated_at: now });
      await bump(trx, mailingId, 'skipped', n);
      return n;
    });
  },

  /**
   * Moves the queues of mailings being combined into `targetId`, de-duplicated by address; an
   * address any of them already mailed (sent, in flight or uncertain) is skipped instead. Run it
   * in the combine's transaction: the locked reads make a worker's claim or start on these rows
   * wait for it, and then find the mailings cancelled or the rows moved.
   */
  async mergeInto(em: Em, ids: number[], targetId: number, now: Date): Promise<{ moved: number; duplicates: number }> {
    const knex = knexOf(em);
    const queuedRows = await knex(T).whereIn('mailing_id', ids).andWhere(queued).orderBy('id').forUpdate().select('id', 'mailing_id', 'email');
    const queuedIds = new Set(queuedRows.map((r) => Number(r.id)));
    const mailedRows = await knex(T).whereIn('mailing_id', ids).whereIn('state', ['sent', 'sending', 'uncertain']).forUpdate().select('id', 'email');
    const mailed = new Set(mailedRows.filter((r) => !queuedIds.has(Number(r.id))).map((r) => r.email as string));
    const move: number[] = [];
    const drop: number[] = [];
    const movedFrom = new Map<number, number>();
    const droppedBy = new Map<number, number>();
    for (const row of queuedRows) {
      const [list, counts] = mailed.has(row.email) ? [drop, droppedBy] : [move, movedFrom];
      mailed.add(row.email);
      list.push(Number(row.id));
      counts.set(Number(row.mailing_id), (counts.get(Number(row.mailing_id)) ?? 0) + 1);
    }
    for (let i = 0; i < move.length; i += CHUNK) {
      // Attempts first: MySQL evaluates SET left to right, so it must read the state before it changes.
      await knex(T).whereIn('id', move.slice(i, i + CHUNK)).andWhere(queued).update({
        attempts: knex.raw("case when state = 'sending' then attempts - 1 else attempts end"), mailing_id: targetId, state: 'pending', lease_until: null, claimed_by: null, updated_at: now,
      });
    }
    for (let i = 0; i < drop.length; i += CHUNK) {
      await knex(T).whereIn('id', drop.slice(i, i + CHUNK)).andWhere(queued).update({ state: 'skipped', last_reply: `Already mailed; not merged into #${targetId}`, lease_until: null, updated_at: now });
    }
    for (const [mailingId, n] of movedFrom) await knex('mailings').where({ id: mailingId }).update({ total: knex.raw('total - ?', [n]) });
    for (const [mailingId, n] of droppedBy) await bump(knex, mailingId, 'skipped', n);
    await knex('mailings').whereIn('id', ids).update({ combined_into: targetId });
    await knex('mailings').where({ id: targetId }).update({ total: move.length });
    return { moved: move.length, duplicates: drop.length };
  },

  /** How many recipients of a mailing each account still has to send. */
  async pendingByAccount(em: Em, mailingId: number): Promise<Map<number, number>> {
    const rows = await knexOf(em)(T).where({ mailing_id: mailingId, state: 'pending' }).whereNotNull('account_id').groupBy('account_id').select('account_id').count({ n: '*' });
    return new Map((rows as { account_id: number; n: number | string }[]).map((r) => [Number(r.account_id), Number(r.n)]));
  },
};
