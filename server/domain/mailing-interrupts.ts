import type { TemplateProblem } from './template-problems.js';

/**
 * Why the engine stopped a mailing (status `interrupted`), as values: the error or the server's
 * reply verbatim. The UI words it in the reader's language; `interruptText` is the English copy.
 */
export type InterruptReason =
  | { code: 'message_deleted' }
  /** An error no cause of Mailroom's names, verbatim. */
  | { code: 'message_unpreparable'; error: string }
  /** A stored secret (the SMTP password, the DKIM key) cannot be decrypted: `error` is the cipher's. */
  | { code: 'secret_unreadable'; error: string }
  /** The message has files, but this process was given no folder to read them from. */
  | { code: 'no_attachments_folder' }
  /** `error`: the English copy; `problem`: the same as values (absent on mailings stopped before they were kept). */
  | { code: 'message_unrenderable'; error: string; problem?: TemplateProblem }
  | { code: 'message_refused'; reply: string }
  /** `account` and `reason`: the account whose failure stranded the recipients, when one did. */
  | { code: 'no_account'; account: string | null; reason: string | null };

export type InterruptCode = InterruptReason['code'];

/** Every code, for the catalogue test: each is worded by `interrupt_<code>`. */
export const INTERRUPT_CODES = Object.keys({
  message_deleted: 1, message_unpreparable: 1, secret_unreadable: 1, no_attachments_folder: 1, message_unrenderable: 1, message_refused: 1, no_account: 1,
} satisfies Record<InterruptCode, 1>) as InterruptCode[];

/** The reason in English, as the API's `statusReason` and the note's `text` carry it. */
export function interruptText(r: InterruptReason): string {
  switch (r.code) {
    case 'message_deleted':
      return 'The message of this mailing was deleted';
    case 'message_unpreparable':
      return `The message cannot be prepared: ${r.error}`;
    case 'secret_unreadable':
      return `A stored secret cannot be decrypted (was SECRET_KEY changed?): ${r.error}`;
    case 'no_attachments_folder':
      return 'The message has files, but this process has no attachments folder';
    case 'message_unrenderable':
      return `The message cannot be rendered: ${r.error}`;
    case 'message_refused':
      return `The message was refused as a whole: ${r.reply}`;
    case 'no_account':
      return `No account of the owner can send some of its recipients${r.account !== null ? ` (${r.account}: ${r.reason})` : ''}`;
  }
}

/** Preparing a message failed for a cause of Mailroom's own: the mailing stops with it as values. */
export class UnpreparableError extends Error {
  constructor(readonly reason: Extract<InterruptReason, { code: 'secret_unreadable' | 'no_attachments_folder' }>) {
    super(interruptText(reason));
  }
}

/** Decrypts a stored secret, or names the cause when the key cannot open it. */
export function openSecret(decrypt: (sealed: string) => string, sealed: string): string {
  try {
    return decrypt(sealed);
  } catch (err) {
    throw new UnpreparableError({ code: 'secret_unreadable', error: (err as Error).message });
  }
}
