/**
 * Why the engine stopped a mailing (status `interrupted`), as values: the error or the server's
 * reply verbatim. The UI words it in the reader's language; `interruptText` is the English copy.
 */
export type InterruptReason =
  | { code: 'message_deleted' }
  | { code: 'message_unpreparable'; error: string }
  | { code: 'message_unrenderable'; error: string }
  | { code: 'message_refused'; reply: string }
  /** `account` and `reason`: the account whose failure stranded the recipients, when one did. */
  | { code: 'no_account'; account: string | null; reason: string | null };

export type InterruptCode = InterruptReason['code'];

/** Every code, for the catalogue test: each is worded by `interrupt_<code>`. */
export const INTERRUPT_CODES = Object.keys({
  message_deleted: 1, message_unpreparable: 1, message_unrenderable: 1, message_refused: 1, no_account: 1,
} satisfies Record<InterruptCode, 1>) as InterruptCode[];

/** The reason in English, as the API's `statusReason` and the note's `text` carry it. */
export function interruptText(r: InterruptReason): string {
  switch (r.code) {
    case 'message_deleted':
      return 'The message of this mailing was deleted';
    case 'message_unpreparable':
      return `The message cannot be prepared: ${r.error}`;
    case 'message_unrenderable':
      return `The message cannot be rendered: ${r.error}`;
    case 'message_refused':
      return `The message was refused as a whole: ${r.reply}`;
    case 'no_account':
      return `No account of the owner can send some of its recipients${r.account !== null ? ` (${r.account}: ${r.reason})` : ''}`;
  }
}
