import { formatMb } from './attachments.js';
import { interruptText, type InterruptReason } from './mailing-interrupts.js';
import type { HealthDetail } from './health-detail.js';

/**
 * The lines of a mailing's Notifications log as values: each kind names what happened and its
 * params hold only values (counts, addresses, names, the servers' replies verbatim). The UI words
 * them in the reader's language; `noteText` keeps an English copy for API clients and logs.
 */

/** Why recipients were left out when a mailing was created (the pre-flight's counters). */
export const EXCLUSIONS = ['notYours', 'noEmail', 'invalidEmail', 'optedOut', 'disqualified', 'suppressed', 'duplicate'] as const;
export type Exclusion = (typeof EXCLUSIONS)[number];

/** Recipients a restart sends to again. */
export type Unsuccessful = 'failed' | 'uncertain' | 'soft_bounced';

/** Why a send's outcome is unknown: the connection broke after the message went out, or the sending worker stopped mid-send. */
export const UNCERTAIN_CAUSES = ['connection_lost', 'worker_stopped'] as const;
export type UncertainCause = (typeof UNCERTAIN_CAUSES)[number];

/** What a restart sent again: by whom, how many, of which kinds. */
export type Restarted = { by: string; requeued: number; counts: Partial<Record<Unsuccessful, number>> };

/** What the pre-flight warns of, and the creation note repeats. */
export type PreflightWarning =
  | { code: 'no_signature' }
  | { code: 'no_unsubscribe' }
  /** Bytes: what each message weighs once encoded, and what providers refuse above. */
  | { code: 'heavy'; size: number; limit: number }
  | { code: 'missing_inline'; cids: string[] };

export type MailingNoteParams = {
  preflight: PreflightWarning;
  created: { recipients: number; excluded: Partial<Record<Exclusion, number>> };
  status_paused: { by: string };
  /** Resumed, or restarted (then with what was sent again). */
  status_active: { by: string } | Restarted;
  status_cancelled: { by: string };
  /** The engine stopped it. */
  status_interrupted: InterruptReason;
  /** Restarted while paused: the recipients wait until someone resumes it. */
  restart: Restarted;
  /** On the new mailing (`from`), or on each original (`into`). */
  combined: { by: string; from: number[]; moved: number; duplicates: number } | { by: string; into: number };
  /** `reply`: the server's, verbatim; `attempts`: Mailroom gave up after that many temporary refusals. */
  recipient_failed: { email: string; reply: string; attempts?: number };
  /** Nobody knows whether the server took the message; `reply` is what the connection said, when it said anything. */
  uncertain: { email: string; cause: UncertainCause; reply: string | null };
  /** `detail`: Mailroom's own reason as values (absent when `reason` is the server's reply). */
  account_failed: { account: string; address: string; reason: string; detail?: HealthDetail };
  bounced: { email: string; status: string | null; diagnostic: string | null };
  soft_bounces: { email: string };
  complained: { email: string };
  replied: { email: string; excerpt: string | null };
  stopped_by_reply: { count: number; email: string; company: boolean };
  unsubscribed: { email: string };
};

export type MailingNoteKind = keyof MailingNoteParams;
/** One kind with its params, checked together. */
export type MailingNote = { [K in MailingNoteKind]: { kind: K; params: MailingNoteParams[K] } }[MailingNoteKind];

/** Every kind the engine words with params (old rows and other kinds show their stored text). */
export const MAILING_NOTE_KINDS = Object.keys({
  preflight: 1, created: 1, status_paused: 1, status_active: 1, status_cancelled: 1, status_interrupted: 1, restart: 1, combined: 1, recipient_failed: 1, uncertain: 1,
  account_failed: 1, bounced: 1, soft_bounces: 1, complained: 1, replied: 1, stopped_by_reply: 1, unsubscribed: 1,
} satisfies Record<MailingNoteKind, 1>) as MailingNoteKind[];

const EXCLUSION_WORDS: Record<Exclusion, string> = {
  notYours: 'not yours', noEmail: 'without an address', invalidEmail: 'with an invalid address', optedOut: 'opted out',
  disqualified: 'disqualified', suppressed: 'unsubscribed', duplicate: 'duplicate addresses',
};
export const UNSUCCESSFUL_WORDS: Record<Unsuccessful, string> = { failed: 'failed', uncertain: 'uncertain', soft_bounced: 'soft-bounced' };
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "Restarted by Anna for 3 unsuccessful recipients (2 failed, 1 uncertain)". */
export const restartText = (r: Restarted) =>
  `Restarted by ${r.by} for ${plural(r.requeued, 'unsuccessful recipient', 'unsuccessful recipients')} (${(Object.entries(r.counts) as [Unsuccessful, number][]).map(([g, n]) => `${n} ${UNSUCCESSFUL_WORDS[g]}`).join(', ')})`;

/** A pre-flight warning in English, as the pre-flight report's `warnings` and the note's `text` carry it. */
export function warningText(w: PreflightWarning): string {
  switch (w.code) {
    case 'no_signature':
      return 'The message has no signature';
    case 'no_unsubscribe':
      return 'The message has no {{ unsubscribe_url }}: an unsubscribe footer will be added';
    case 'heavy':
      return `Each message weighs about ${formatMb(w.size)} once encoded; providers refuse messages over about ${formatMb(w.limit)}, and some far less`;
    case 'missing_inline':
      return `The message shows ${w.cids.map((cid) => `cid:${cid}`).join(', ')}, but has no inline image of that name: recipients see a broken image`;
  }
}

/** The note in English, as the API's `text` and the logs carry it. */
export function noteText(note: MailingNote): string {
  switch (note.kind) {
    case 'preflight':
      return warningText(note.params);
    case 'created': {
      const skipped = (Object.entries(note.params.excluded) as [Exclusion, number][]).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${EXCLUSION_WORDS[k]}`).join(', ');
      return `Created with ${note.params.recipients} recipients${skipped ? `; excluded: ${skipped}` : ''}`;
    }
    case 'status_paused':
      return `Paused by ${note.params.by}`;
    case 'status_active':
      return 'requeued' in note.params ? restartText(note.params) : `Resumed by ${note.params.by}`;
    case 'status_cancelled':
      return `Cancelled by ${note.params.by}`;
    case 'status_interrupted':
      return interruptText(note.params);
    case 'restart':
      return `${restartText(note.params)}; still paused`;
    case 'combined':
      return 'into' in note.params
        ? `Combined into #${note.params.into} by ${note.params.by}`
        : `Combined by ${note.params.by} from #${note.params.from.join(', #')}: ${note.params.moved} recipients, ${note.params.duplicates} duplicates left out`;
    case 'recipient_failed':
      return `${note.params.email}: ${note.params.attempts === undefined ? '' : `gave up after ${note.params.attempts} attempts: `}${note.params.reply}`;
    case 'uncertain': {
      const why = note.params.cause === 'connection_lost' ? 'the connection was lost after the message was sent, before the server answered' : 'the sending worker stopped mid-send';
      return `${note.params.email}: ${why}${note.params.reply ? ` (${note.params.reply})` : ''}; delivery is uncertain and it will not be resent automatically`;
    }
    case 'account_failed':
      return `Account ${note.params.account} <${note.params.address}> was switched off: ${note.params.reason}`;
    case 'bounced': {
      const { email, status, diagnostic } = note.params;
      return `${email} bounced${status ? ` (${status})` : ''}${diagnostic ? `: ${diagnostic}` : ''}`;
    }
    case 'soft_bounces':
      return `${note.params.email} kept bouncing for over a week and is no longer mailed`;
    case 'complained':
      return `${note.params.email} reported the message as spam and is no longer mailed`;
    case 'replied':
      return `${note.params.email} replied${note.params.excerpt ? `: ${note.params.excerpt}` : ''}`;
    case 'stopped_by_reply': {
      const { count, email, company } = note.params;
      return `${count} queued ${count === 1 ? 'message' : 'messages'} to ${company ? `${email} and the rest of the company` : email} will not be sent: ${email} replied`;
    }
    case 'unsubscribed':
      return `${note.params.email} unsubscribed`;
    default: {
      const unhandled: never = note;
      throw new Error(`Unhandled note ${JSON.stringify(unhandled)}`);
    }
  }
}

/** A note to record: one of the kinds above, or a line the engine words only in English (old kinds, free reasons). */
export type NoteInput = MailingNote | { kind: string; params: null; text: string };

export type NoteParams = MailingNote['params'];

/**
 * Why a mailing is in its status, as its `status_detail` keeps it: the note its change recorded
 * (who paused it, why the engine stopped it), or the combination that cancelled it.
 */
export type StatusDetail = Extract<MailingNote, { kind: `status_${string}` }> | Extract<MailingNote, { kind: 'combined' }>;
/** What a note records: its kind, its params and the English text. */
export type Recorded = { kind: string; params: NoteParams | null; text: string };
export const recorded = (n: NoteInput): Recorded =>
  n.params === null ? { kind: n.kind, params: null, text: (n as { text: string }).text } : { kind: n.kind, params: n.params, text: noteText(n as MailingNote) };
