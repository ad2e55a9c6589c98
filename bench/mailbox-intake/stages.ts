import type { Ledger, Mailboxes, MailboxMessage, MailboxSession } from '../../server/engine/ports.js';
import type { IntakeContext } from '../../server/engine/intake.js';

/**
 * Where the intake's time goes, measured at its ports, so the product runs unchanged: waiting for
 * the next message from the mailbox (FETCH, and the NOOP and SEARCH before each page), in the
 * classifier (while any message is), and in the database transactions that apply pages. The
 * intake classifies while messages arrive and reads the next page while it writes one, so the
 * three overlap: each is a total of its own, not a share of the wall time.
 */
export class Stages {
  fetchMs = 0;
  classifyMs = 0;
  transactionMs = 0;
  /** Messages the mailbox has handed over. */
  messages = 0;
  /** A FETCH found nothing left: the folder is read through. */
  readThrough = false;

  mailboxes(inner: Mailboxes): Mailboxes {
    return { connect: async (login, password) => this.session(await inner.connect(login, password)) };
  }

  /** Classifications in flight: the intake classifies a few messages at once, and the stage is the time any is. */
  private classifying = 0;
  private classifyingSince = 0;

  classify(inner: IntakeContext['classify']): IntakeContext['classify'] {
    return async (source, opts) => {
      if (this.classifying++ === 0) this.classifyingSince = performance.now();
      try {
        return await inner(source, opts);
      } finally {
        if (--this.classifying === 0) this.classifyMs += performance.now() - this.classifyingSince;
      }
    };
  }

  ledger(inner: Ledger): Ledger {
    return {
      ...inner,
      transaction: async (em, work) => {
        const started = performance.now();
        try {
          return await inner.transaction(em, work);
        } finally {
          this.transactionMs += performance.now() - started;
        }
      },
    };
  }

  private session(inner: MailboxSession): MailboxSession {
    const fetch = (fromUid: number, limit: number) => this.timed(inner.fetch(fromUid, limit));
    return { open: (f) => inner.open(f), fetch, waitForNews: (ms) => inner.waitForNews(ms), move: (uids, f) => inner.move(uids, f), close: () => inner.close() };
  }

  private async *timed(messages: AsyncIterable<MailboxMessage>): AsyncIterable<MailboxMessage> {
    const it = messages[Symbol.asyncIterator]();
    for (let handed = 0; ; handed++) {
      const started = performance.now();
      const next = await it.next();
      this.fetchMs += performance.now() - started;
      if (next.done) {
        if (!handed) this.readThrough = true;
        return;
      }
      this.messages += 1;
      yield next.value;
    }
  }
}
