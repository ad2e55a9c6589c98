import type { Em } from '../orm.js';
import type { DomainEvent } from '../../domain/events.js';
import { LiveRevocationSchema } from '../entities/live-revocation.entity.js';

/** The events that take live rights away: every web process must act on them, not only the one that made the change. */
export type Revocation = Extract<DomainEvent, { type: 'session.ended' | 'mailings.moved' }>;

export interface RecordedRevocation {
  id: number;
  createdAt: Date;
  event: Revocation;
}

export const liveRevocationRepository = {
  /** Writes a revocation; call it in the transaction of the change, so it exists exactly when the change does. */
  async record(em: Em, origin: string, event: Revocation, now: Date): Promise<void> {
    await em.insert(LiveRevocationSchema, { origin, event: JSON.stringify(event), createdAt: now });
  },

  /** Revocations other processes wrote since `since`, oldest first. */
  async othersSince(em: Em, origin: string, since: Date): Promise<RecordedRevocation[]> {
    const rows = await em.find(LiveRevocationSchema, { origin: { $ne: origin }, createdAt: { $gte: since } }, { orderBy: { id: 'asc' } });
    return rows.map((r) => ({ id: r.id, createdAt: r.createdAt, event: JSON.parse(r.event) as Revocation }));
  },

  async deleteBefore(em: Em, before: Date): Promise<number> {
    return em.nativeDelete(LiveRevocationSchema, { createdAt: { $lt: before } });
  },
};
