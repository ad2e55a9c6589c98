import type { Exclusion, MailingNote, MailingNoteKind, MailingNoteParams, PreflightWarning, Restarted, StatusDetail, UncertainCause, Unsuccessful } from '$server/domain/mailing-notes';
import type { InterruptReason } from '$server/domain/mailing-interrupts';
import { formatBytes, formatNumber } from '$lib/utils/format';
import { m } from '$lib/paraglide/messages';
import { EXCLUSION_LABELS } from './labels';
import { healthDetailText } from '$lib/utils/health-text';
import { templateProblemText } from '$lib/i18n/template-problems';

/** A notification as the API and the live push carry it: the kind and its values, and the English line. */
export interface NoteLike {
  kind: string;
  params: MailingNote['params'] | null;
  text: string;
}

const UNSUCCESSFUL: Record<Unsuccessful, (p: { n: string }) => string> = { failed: m.note_n_failed, uncertain: m.note_n_uncertain, soft_bounced: m.note_n_soft_bounced };

const restarted = (r: Restarted) =>
  m.note_restarted({ by: r.by, count: r.requeued, each: (Object.entries(r.counts) as [Unsuccessful, number][]).map(([g, n]) => UNSUCCESSFUL[g]({ n: formatNumber(n) })).join(', ') });

/** A pre-flight warning in the reader's language. */
export function warningText(w: PreflightWarning): string {
  switch (w.code) {
    case 'no_signature':
      return m.note_warn_no_signature();
    case 'no_unsubscribe':
      return m.note_warn_no_unsubscribe({ variable: '{{ unsubscribe_url }}' });
    case 'heavy':
      return m.note_warn_heavy({ size: formatBytes(w.size), limit: formatBytes(w.limit) });
    case 'missing_inline':
      return m.note_warn_missing_inline({ cids: w.cids.map((cid) => `cid:${cid}`).join(', ') });
  }
}

/** Why the engine stopped a mailing, in the reader's language (the error or the server's reply as they are). */
export function interruptText(r: InterruptReason): string {
  switch (r.code) {
    case 'message_deleted':
      return m.interrupt_message_deleted();
    case 'message_unpreparable':
      return m.interrupt_message_unpreparable({ error: r.error });
    case 'secret_unreadable':
      return m.interrupt_secret_unreadable({ error: r.error });
    case 'no_attachments_folder':
      return m.interrupt_no_attachments_folder();
    case 'message_unrenderable':
      return m.interrupt_message_unrenderable({ error: r.problem ? templateProblemText(r.problem) : r.error });
    case 'message_refused':
      return m.interrupt_message_refused({ reply: r.reply });
    case 'no_account':
      return r.account === null ? m.interrupt_no_account() : m.interrupt_no_account_failed({ account: r.account, reason: r.reason ?? '' });
  }
}

const UNCERTAIN: Record<UncertainCause, () => string> = { connection_lost: m.uncertain_connection_lost, worker_stopped: m.uncertain_worker_stopped };

/** "text: detail" when there is a detail (an SMTP reply, a reply's first words: the sender's own words, shown as they are). */
const withDetail = (text: string, detail: string | null) => (detail ? m.note_detail({ text, detail }) : text);

/** How each kind reads in the reader's language; the type asks for every kind the engine records. */
const WORDINGS: { [K in MailingNoteKind]: (p: MailingNoteParams[K]) => string } = {
  preflight: (w) => m.note_preflight({ warning: warningText(w) }),
  created: ({ recipients, excluded }) => {
    const list = (Object.entries(excluded) as [Exclusion, number][]).filter(([, n]) => n > 0).map(([k, n]) => `${formatNumber(n)} ${EXCLUSION_LABELS[k]}`);
    const created = m.note_created({ count: recipients });
    return list.length ? `${created}; ${m.note_excluded({ list: list.join(', ') })}` : created;
  },
  status_paused: ({ by }) => m.note_status_paused({ by }),
  status_active: (p) => ('requeued' in p ? restarted(p) : m.note_status_active({ by: p.by })),
  status_cancelled: ({ by }) => m.note_status_cancelled({ by }),
  status_interrupted: (r) => m.note_status_interrupted({ reason: interruptText(r) }),
  restart: (p) => m.note_restart({ text: restarted(p) }),
  combined: (p) => ('into' in p ? m.note_combined_into({ id: p.into, by: p.by }) : m.note_combined({ by: p.by, from: p.from.map((id) => `#${id}`).join(', '), moved: formatNumber(p.moved), duplicates: formatNumber(p.duplicates) })),
  recipient_failed: ({ email, reply, attempts }) => (attempts === undefined ? m.note_recipient_failed({ email, reply }) : m.note_recipient_gave_up({ email, count: formatNumber(attempts), reply })),
  uncertain: ({ email, cause, reply }) => m.note_uncertain({ email, why: withDetail(UNCERTAIN[cause](), reply) }),
  account_failed: ({ account, address, reason, detail }) => m.note_account_failed({ account, address, reason: detail ? healthDetailText(detail, reason) : reason }),
  bounced: ({ email, status, diagnostic }) => withDetail(`${m.note_bounced({ email })}${status ? ` (${status})` : ''}`, diagnostic),
  soft_bounces: ({ email }) => m.note_soft_bounces({ email }),
  complained: ({ email }) => m.note_complained({ email }),
  replied: ({ email, excerpt }) => withDetail(m.note_replied({ email }), excerpt),
  stopped_by_reply: ({ count, email, company }) => (company ? m.note_stopped_by_reply_company({ count, email }) : m.note_stopped_by_reply({ count, email })),
  unsubscribed: ({ email }) => m.note_unsubscribed({ email }),
};

/** A notification in the reader's language; a kind this UI does not know, or a line stored without params, reads as the server wrote it. */
export function noteText(note: NoteLike): string {
  if (note.params === null || !Object.hasOwn(WORDINGS, note.kind)) return note.text;
  try {
    return (WORDINGS[note.kind as MailingNoteKind] as (p: unknown) => string)(note.params);
  } catch {
    // Params of another shape (a newer server's) are no reason to hide the line.
    return note.text;
  }
}

/**
 * Why the mailing is in its status, in the reader's language: its detail, worded here (an
 * interruption reads as its reason alone, the badge says it is interrupted); a mailing stopped
 * before details were kept reads as the server wrote it.
 */
export function statusReasonText(mailing: { statusReason: string | null; statusDetail?: StatusDetail | null }): string | null {
  const detail = mailing.statusDetail;
  if (!detail) return mailing.statusReason;
  // A code a newer server added words as nothing here: the English copy stands in.
  if (detail.kind === 'status_interrupted') return interruptText(detail.params) ?? mailing.statusReason;
  return noteText({ ...detail, text: mailing.statusReason ?? '' });
}
