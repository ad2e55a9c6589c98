import type { Services } from '../services.js';
import type { Em } from '../db/orm.js';
import { liveRevocationRepository, type Revocation } from '../db/repositories/live-revocation.repository.js';

/**
 * Runs a change that takes live rights away in one transaction with the record of its
 * revocations, for the other web processes to act on (live/revocation-relay.ts); once it
 * committed, this process's hub acts on them at once.
 */
export async function changeWithRevocations(services: Services, em: Em, change: (tx: Em) => Promise<Revocation[]>): Promise<void> {
  const revoked = await em.transactional(async (tx) => {
    const events = await change(tx);
    for (const event of events) await liveRevocationRepository.record(tx, services.events.id, event, services.now());
    return events;
  });
  for (const event of revoked) services.events.emit(event);
}
