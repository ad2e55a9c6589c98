export const MAILING_STATUSES = ['active', 'active_error', 'paused', 'interrupted', 'done', 'cancelled'] as const;
export type MailingStatus = (typeof MAILING_STATUSES)[number];

/** The statuses the engine sends for. */
export const SENDING_STATUSES = ['active', 'active_error'] as const satisfies readonly MailingStatus[];
/** Not finished yet: sending, or paused with work left (rebinding and the live relay still follow them). */
export const LIVE_STATUSES = [...SENDING_STATUSES, 'paused'] as const satisfies readonly MailingStatus[];
export const isSending = (status: MailingStatus) => (SENDING_STATUSES as readonly MailingStatus[]).includes(status);

export const EVENT_LEVELS = ['info', 'warning', 'error', 'critical'] as const;
export type EventLevel = (typeof EVENT_LEVELS)[number];

/** Things that move a mailing between statuses. */
export type MailingTransition =
  | 'pause'
  | 'resume'
  | 'cancel'
  | 'restart'
  | 'recipient_failed'
  | 'interrupt'
  | 'finish';

/**
 * The status after `transition`, or null when it does not apply in `from` (the caller refuses
 * a user's action, and ignores an engine event that arrives late).
 */
export function nextStatus(from: MailingStatus, transition: MailingTransition): MailingStatus | null {
  const live = isSending(from);
  switch (transition) {
    case 'pause':
      return live ? 'paused' : null;
    case 'resume':
      // An interrupted mailing goes on once its cause is fixed (an account repaired, say).
      return from === 'paused' || from === 'interrupted' ? 'active' : null;
    case 'cancel':
      return from === 'done' || from === 'cancelled' ? null : 'cancelled';
    case 'restart':
      return from === 'cancelled' ? null : 'active';
    case 'recipient_failed':
      return from === 'active' ? 'active_error' : null;
    case 'interrupt':
      return live || from === 'paused' ? 'interrupted' : null;
    case 'finish':
      return live ? 'done' : null;
    default: {
      const unhandled: never = transition;
      throw new Error(`Unhandled transition ${String(unhandled)}`);
    }
  }
}
