import type { Mailboxes } from '../engine/ports.js';
import type { InboxKind } from '../domain/inbox.js';
import { MailboxError } from '../domain/inbox.js';
import { imapMailboxes } from './imap-mailbox.js';
import { sinkMailboxes } from './sink-mailbox.js';

/**
 * Every kind of incoming mailbox behind one reader: IMAP servers, and the development sink's
 * mailboxes under `sinkRoot` (null where there is no sink: a sink inbox then cannot be read).
 */
export function incomingMailboxes(sinkRoot: string | null): Mailboxes {
  const readers: Record<InboxKind, Mailboxes | null> = { imap: imapMailboxes, sink: sinkRoot ? sinkMailboxes(sinkRoot) : null };
  return {
    connect(login, credentials) {
      const reader = readers[login.kind];
      if (!reader) throw new MailboxError('unreachable', 'There is no development sink here to read this demo mailbox from (MAIL_SINK is off)');
      return reader.connect(login, credentials);
    },
  };
}
