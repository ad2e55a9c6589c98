import type { Em } from '../orm.js';
import { knexOf } from '../knex.js';

/**
 * Which mailing sent a message, from the Message-ID Mailroom made for it and stored before the
 * SMTP transaction: a recipient's in the ledger, a test send's in `test_sends`. Unlike the From
 * header, which an account's owner chooses, nobody outside Mailroom can set these.
 */

/** Message-IDs per query: well under every database's limit on bound parameters. */
const CHUNK = 500;

export const messageOriginRepository = {
  /** The mailing of each Message-ID Mailroom sent; the others are left out (as is one claimed by two mailings, which Mailroom never makes). */
  async mailingsOf(em: Em, messageIds: string[]): Promise<Map<string, number>> {
    const seen = new Map<string, Set<number>>();
    const knex = knexOf(em);
    for (let i = 0; i < messageIds.length; i += CHUNK) {
      const chunk = messageIds.slice(i, i + CHUNK);
      const rows = [
        ...(await knex('mailing_recipients').whereIn('message_id', chunk).select('message_id', 'mailing_id')),
        ...(await knex('test_sends').whereIn('message_id', chunk).select('message_id', 'mailing_id')),
      ] as { message_id: string; mailing_id: number | string }[];
      for (const row of rows) {
        if (!seen.has(row.message_id)) seen.set(row.message_id, new Set());
        seen.get(row.message_id)!.add(Number(row.mailing_id));
      }
    }
    return new Map([...seen].flatMap(([messageId, mailings]) => (mailings.size === 1 ? [[messageId, [...mailings][0]] as const] : [])));
  },

  /** Keeps a test send's Message-ID before it is sent, so the mail it makes can be traced to its mailing. */
  async recordTestSend(em: Em, send: { messageId: string; mailingId: number; accountId: number }, now: Date): Promise<void> {
    await knexOf(em)('test_sends').insert({ message_id: send.messageId, mailing_id: send.mailingId, account_id: send.accountId, created_at: now });
  },
};
