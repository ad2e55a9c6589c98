import { normaliseAddress } from './addresses.js';
import { fieldBlocks } from './header-fields.js';

/**
 * The machine-readable part of a complaint (RFC 5965 ARF, `message/feedback-report`), which
 * mailbox providers (Yahoo, AOL, Comcast, Fastmail…) send when their user marks a message as spam.
 */

export const FEEDBACK_REPORT_TYPE = 'message/feedback-report';

export interface AbuseReport {
  /** `abuse` for a spam complaint; also `fraud`, `virus`, `not-spam`, `auth-failure` (RFC 6591), `other`. */
  feedbackType: string | null;
  /** Original-Rcpt-To: who complained. Providers often leave it out to protect their user. */
  recipients: string[];
}

export function readAbuseReport(content: string, max: number): AbuseReport {
  const [fields] = fieldBlocks(content);
  if (!fields) return { feedbackType: null, recipients: [] };
  const type = (fields.get('feedback-type')?.[0] ?? '').trim().toLowerCase();
  const recipients = [...new Set((fields.get('original-rcpt-to') ?? []).map(normaliseAddress).filter((a): a is string => a !== null))];
  return { feedbackType: /^[a-z-]{1,30}$/.test(type) ? type : null, recipients: recipients.slice(0, max) };
}
