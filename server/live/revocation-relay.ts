import type { Orm } from '../db/orm.js';
import { liveRevocationRepository } from '../db/repositories/live-revocation.repository.js';
import type { EventBus } from './event-bus.js';
import { startPolling } from './poll.js';

/**
 * How far back each read looks. Rows are read by time, not by "id above the last seen", because
 * ids are taken when a transaction inserts and seen when it commits: a slow transaction's lower
 * id would be skipped. The window is far longer than any transaction and any clock skew between
 * the processes; rows already handled are remembered until they leave it.
 */
const WINDOW_MS = 5 * 60_000;

/**
 * Every web-serving process runs this: the revocations other processes committed (sessions
 * ended, mailings moved) are emitted on this process's bus, so its live hub closes or re-checks
 * the sockets it holds. The process that made a change emitted it at once and wrote its bus's id
 * with it, so it skips its own rows and never acts twice. A newly started process acts on the
 * rows still in the window too: at worst a socket reconnects, proving its session again.
 */
export function startRevocationRelay(orm: Orm, events: EventBus, now: () => Date, everyMs = 500): () => Promise<void> {
  const handled = new Map<number, number>();
  return startPolling('revocation relay', async () => {
    const since = new Date(now().getTime() - WINDOW_MS);
    for (const [id, at] of handled) if (at < since.getTime()) handled.delete(id);
    for (const row of await liveRevocationRepository.othersSince(orm.em.fork(), events.id, since)) {
      if (handled.has(row.id)) continue;
      handled.set(row.id, row.createdAt.getTime());
      events.emit(row.event);
    }
  }, everyMs);
}
