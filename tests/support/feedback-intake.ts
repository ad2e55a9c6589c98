import { randomUUID } from 'node:crypto';
import type { Orm } from '../../server/db/orm.js';
import type { Classified } from '../../server/domain/feedback.js';
import type { DomainEvent } from '../../server/domain/events.js';
import { engineContext } from '../../server/engine/index.js';
import { applyFeedback, type Applied } from '../../server/engine/feedback.js';
import { MailingRecipientSchema } from '../../server/db/entities/index.js';
import { SecretBox } from '../../server/security/secret-box.js';
import { TransportPool } from '../../server/mail/transport.js';

type Answer = Exclude<Classified['kind'], 'unrelated' | 'unsubscribe'>;

/**
 * One incoming message about one sent ledger row, put through the real intake's last step
 * (applyFeedback) as the classifier would read it: for the tests of what users see, which need
 * the answers of a mailbox without running an IMAP server. Returns what it did and the domain
 * events it emitted.
 */
export async function recordFeedback(orm: Orm, rowId: number, kind: Answer, opts: { status?: string; note?: string; at?: Date } = {}): Promise<{ applied: Applied; events: DomainEvent[] }> {
  const em = orm.em.fork();
  const row = await em.findOneOrFail(MailingRecipientSchema, { id: rowId }, { populate: ['mailing'] });
  const mailing = row.mailing.getEntity();
  const events: DomainEvent[] = [];
  const at = opts.at ?? new Date();
  const transport = new TransportPool();
  const ctx = engineContext({ orm, secrets: new SecretBox(Buffer.alloc(32)), transport, events: { emit: (e) => events.push(e) }, now: () => at, wallClock: Date.now, random: Math.random, leaseMs: 60_000 });
  const bounce = kind === 'hard_bounce' || kind === 'soft_bounce' || kind === 'complaint';
  const classified: Classified = {
    kind, messageId: `<${randomUUID()}@answers.test>`, from: bounce ? 'mailer-daemon@answers.test' : row.email, date: at, subject: '', refs: row.messageId ? [row.messageId] : [], listId: null,
    recipients: bounce ? [{ email: row.email, action: kind === 'soft_bounce' ? 'delayed' : 'failed', status: opts.status ?? null, diagnostic: opts.note ?? null, remoteMta: null, severity: kind === 'soft_bounce' ? 'soft' : 'hard' }] : [],
    excerpt: bounce ? null : (opts.note ?? null),
  };
  try {
    const applied = await applyFeedback(ctx, em, { id: row.account!.id, ownerId: mailing.owner.id, departmentId: mailing.department.id }, { folder: 'INBOX', uid: null, key: randomUUID().replace(/-/g, ''), classified });
    return { applied, events };
  } finally {
    await transport.closeAll();
  }
}
