import type { Em } from '../orm.js';
import { InboxSchema, type Inbox } from '../entities/inbox.entity.js';
import { InboxCursorSchema } from '../entities/inbox-cursor.entity.js';

/** The inboxes as their settings (the API) read and change them. */
export const inboxSettingsRepository = {
  ofAccount(em: Em, accountId: number): Promise<Inbox | null> {
    return em.findOne(InboxSchema, { account: accountId });
  },

  /** The inboxes of these accounts, by account id (an account without one is absent). */
  async ofAccounts(em: Em, accountIds: number[]): Promise<Map<number, Inbox>> {
    if (!accountIds.length) return new Map();
    const inboxes = await em.find(InboxSchema, { account: { $in: accountIds } });
    return new Map(inboxes.map((i) => [i.account.id, i]));
  },

  /** Forgets how far the intake read: the inbox now names another mailbox, whose UIDs mean nothing here. */
  async forgetCursors(em: Em, inboxId: number): Promise<void> {
    await em.nativeDelete(InboxCursorSchema, { inbox: inboxId });
  },
};
