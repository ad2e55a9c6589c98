/**
 * The most of a mail server's own reply Mailroom keeps (a recipient's last reply, a health or
 * interruption detail, a live push): enough to read, bounded whatever a lying server sends.
 */
export const REPLY_MAX = 1000;

/** A server's reply as Mailroom keeps it. */
export const serverReply = (reply: string) => reply.slice(0, REPLY_MAX);
