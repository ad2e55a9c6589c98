import type { Em } from '../db/orm.js';
import { messageOriginRepository } from '../db/repositories/message-origin.repository.js';
import { mailingRepository } from '../db/repositories/mailing.repository.js';
import { canSee, seesAllDepartments, type Actor } from '../domain/visibility.js';
import type { OutboxEntry } from '../mail/dev-sink.js';

/**
 * Who may read a message the development sink received. Decided by the mailing that sent it,
 * found from the Message-ID Mailroom stored before sending, then the usual rule on that mailing's
 * owner and department; never by the From header, which any account owner may set to a
 * colleague's address. Mail Mailroom did not send (or cannot trace) is for admins and company
 * managers only.
 */
export class OutboxVisibility {
  /**
   * Message-ID → the mailing that sent it, or null for mail Mailroom did not send. A received
   * message's origin never changes (its Message-ID was stored before it was sent), so each is
   * looked up once; the map grows with the sink's own index.
   */
  private readonly origins = new Map<string, number | null>();

  /** A test for the entries (among `entries`) that the actor may read: one query for the new Message-IDs, one for the mailings. */
  async readableBy(em: Em, actor: Actor, entries: readonly OutboxEntry[]): Promise<(entry: OutboxEntry) => boolean> {
    if (seesAllDepartments(actor)) return () => true;
    const unknown = [...new Set(entries.flatMap((e) => (e.messageId && !this.origins.has(e.messageId) ? [e.messageId] : [])))];
    if (unknown.length) {
      const found = await messageOriginRepository.mailingsOf(em, unknown);
      for (const messageId of unknown) this.origins.set(messageId, found.get(messageId) ?? null);
    }
    const mailingOf = (e: OutboxEntry) => (e.messageId ? (this.origins.get(e.messageId) ?? null) : null);
    const mailings = await mailingRepository.owned(em, [...new Set(entries.flatMap((e) => mailingOf(e) ?? []))]);
    return (e) => {
      const mailingId = mailingOf(e);
      const mailing = mailingId === null ? undefined : mailings.get(mailingId);
      return mailing !== undefined && canSee(actor, mailing);
    };
  }
}
