import type { Orm } from '../db/orm.js';
import { relayRepository } from '../db/repositories/relay.repository.js';
import type { EventSink } from '../engine/ports.js';
import type { MailingStatus, EventLevel } from '../domain/mailing-status.js';
import type { AccountHealth } from '../domain/account-health.js';
import type { InboxHealth } from '../domain/inbox.js';
import type { RecipientFeedback } from '../domain/recipient-states.js';
import { startPolling } from './poll.js';
import { committedRows } from './committed-rows.js';

/**
 * In a web-only process the engine runs elsewhere (`--role worker`), so its events never reach
 * this process's bus. The relay reads what the worker committed — new notifications and mailbox
 * feedback, changed counters and statuses, account and inbox health — and re-emits it as domain events, so
 * the live hub works the same whichever process sent the mail or read the inbox. The database is
 * the only shared state.
 */
export function startDbRelay(orm: Orm, events: EventSink, now: () => Date, everyMs = 500): () => Promise<void> {
  const clock = () => now().getTime();
  const notes = committedRows(clock);
  const feedback = committedRows(clock);
  const mailings = new Map<number, string>();
  const accounts = new Map<number, string>();
  const inboxes = new Map<number, string>();
  /** Whether a health read now differs from the one read before (the first reading changes nothing). */
  const changed = (seen: Map<number, string>, r: { id: number; health: string; health_reason: string | null }) => {
    const print = `${r.health}|${r.health_reason ?? ''}`;
    const before = seen.get(Number(r.id));
    seen.set(Number(r.id), print);
    return before !== undefined && before !== print;
  };

  return startPolling('relay', async () => {
    const em = orm.em.fork();
    const at = now().toISOString();
    if (!notes.started()) notes.start(await relayRepository.lastEventId(em));
    for (const n of notes.fresh(await relayRepository.eventsAfter(em, notes.query()))) {
      events.emit({ type: 'mailing.notification', mailingId: Number(n.mailing_id), departmentId: Number(n.department_id), ownerId: Number(n.owner_id), level: n.level as EventLevel, kind: n.kind, params: n.params, text: n.text, at: new Date(n.at).toISOString() });
    }
    if (!feedback.started()) feedback.start(await relayRepository.lastFeedbackId(em));
    for (const f of feedback.fresh(await relayRepository.feedbackAfter(em, feedback.query()))) {
      // An event matched to no row, or whose row has no feedback (an unsubscribe; a restart cleared it), changes no page.
      if (f.row_id === null || f.feedback === null) continue;
      events.emit({
        type: 'recipient.feedback', mailingId: Number(f.mailing_id), departmentId: Number(f.department_id), ownerId: Number(f.owner_id), rowId: Number(f.row_id), email: f.email,
        feedback: f.feedback as RecipientFeedback, status: f.feedback_status, note: f.feedback_note, at: new Date(f.created_at).toISOString(),
      });
    }
    const rows = await relayRepository.mailingCounters(em, new Date(now().getTime() - 60_000));
    for (const r of rows) {
      const counters = `${r.sent_count}|${r.failed_count}|${r.skipped_count}|${r.uncertain_count}|${r.bounced_count}|${r.complained_count}|${r.replied_count}|${r.total}`;
      const before = mailings.get(Number(r.id));
      mailings.set(Number(r.id), `${r.status}#${counters}`);
      if (before === undefined) continue;
      const [status, was] = before.split('#');
      const ids = { mailingId: Number(r.id), departmentId: Number(r.department_id), ownerId: Number(r.owner_id), at };
      if (status !== r.status) events.emit({ type: 'mailing.status', ...ids, status: r.status as MailingStatus, reason: r.status_reason, detail: r.status_detail });
      else if (was !== counters) events.emit({ type: 'mailing.counters', ...ids });
    }
    for (const a of await relayRepository.accountHealths(em)) {
      if (changed(accounts, a)) events.emit({ type: 'account.health', accountId: Number(a.id), departmentId: Number(a.department_id), ownerId: Number(a.owner_id), health: a.health as AccountHealth, reason: a.health_reason, detail: a.health_detail, at });
    }
    // The inboxes are read by the workers too.
    for (const i of await relayRepository.inboxHealths(em)) {
      if (changed(inboxes, i)) events.emit({ type: 'inbox.health', accountId: Number(i.id), departmentId: Number(i.department_id), ownerId: Number(i.owner_id), health: i.health as InboxHealth, reason: i.health_reason, detail: i.health_detail, at });
    }
  }, everyMs);
}
