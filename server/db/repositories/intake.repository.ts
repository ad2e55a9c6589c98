import type { Em } from '../orm.js';
import { knexOf } from '../knex.js';
import { InboxSchema, type Inbox } from '../entities/inbox.entity.js';
import type { InboxHealth } from '../../domain/inbox.js';
import type { HealthDetail } from '../../domain/health-detail.js';

/** What the mailbox intake reads and writes of the inboxes: which to read, how far each folder was read, and their health. */
export const intakeRepository = {
  /** The inbox with its account (owner and department ids), or null when either is gone. */
  async inbox(em: Em, id: number): Promise<Inbox | null> {
    return em.findOne(InboxSchema, { id }, { populate: ['account'] });
  },

  /** Every inbox's id: each has a reading job. */
  async ids(em: Em): Promise<number[]> {
    return (await knexOf(em)('inboxes').pluck('id')).map(Number);
  },

  /** Where reading a folder goes on from, while its UIDVALIDITY is still `uidValidity`; else null (read it from the start). */
  async resumeAt(em: Em, inboxId: number, folder: string, uidValidity: number): Promise<number | null> {
    const row = await knexOf(em)('inbox_cursors').where({ inbox_id: inboxId, folder }).first('uid_validity', 'next_uid');
    return row && Number(row.uid_validity) === uidValidity ? Number(row.next_uid) : null;
  },

  /** Keeps how far the folder was read; a new UIDVALIDITY replaces the old cursor. */
  async advance(em: Em, inboxId: number, folder: string, uidValidity: number, nextUid: number, now: Date): Promise<void> {
    await knexOf(em)('inbox_cursors')
      .insert({ inbox_id: inboxId, folder, uid_validity: uidValidity, next_uid: nextUid, updated_at: now })
      .onConflict(['inbox_id', 'folder'])
      .merge(['uid_validity', 'next_uid', 'updated_at']);
  },

  /** Stores a reading's verdict; true when the health changed (watchers are told only then). */
  async setHealth(em: Em, inboxId: number, health: InboxHealth, reason: string | null, detail: HealthDetail | null, now: Date): Promise<boolean> {
    const knex = knexOf(em);
    const changed = await knex('inboxes').where({ id: inboxId }).andWhere((w) => w.whereNot('health', health).orWhereRaw('coalesce(health_reason, ?) <> coalesce(?, ?)', ['', reason, ''])).update({ health, health_reason: reason?.slice(0, 500) ?? null, health_detail: detail && JSON.stringify(detail), health_checked_at: now });
    const read = health === 'ok' ? { last_read_at: now } : {};
    await knex('inboxes').where({ id: inboxId }).update({ health_checked_at: now, ...read });
    return changed > 0;
  },
};
