interface MailingState<P> {
  /** Changes that arrived so far, and the server time of the newest. */
  arrivals: number;
  latestAt: string;
  reading: boolean;
  /** A read ran ahead of the push in this push period; one at most, so a busy mailing costs two reads a period. */
  prefetched: boolean;
  /** The last read: the arrivals it covers (all that came before it started) and what it found. */
  done: { covers: number; at: string; progress: P | null } | null;
  /** The arrivals a push of changes reported, whose counters are still to be pushed. */
  wanted: number | null;
  pushed: number;
}

/**
 * Feeds a mailing's counters to its progress pushes. The counters come from the database, the
 * only truth when several processes send, and reading them takes a while when the engine keeps
 * the database busy. So a read starts as soon as a change arrives, and is usually done by the
 * time the coalescer lets the push leave. A read covers the changes that arrived before it
 * started, since the engine emits after it commits; its push carries the newest of them as `at`.
 * When changes came after the read started, another read runs when the push is due. Reads of
 * one mailing never overlap, so the pushes leave in order.
 */
export class ProgressFeed<P> {
  private readonly mailings = new Map<number, MailingState<P>>();

  constructor(
    private readonly read: (mailingId: number) => Promise<P | null>,
    private readonly push: (progress: P, at: string) => void,
  ) {}

  /** A change of this mailing arrived, with its server time `at`. */
  changed(mailingId: number, at: string): void {
    const s = this.mailings.get(mailingId) ?? { arrivals: 0, latestAt: at, reading: false, prefetched: false, done: null, wanted: null, pushed: 0 };
    this.mailings.set(mailingId, s);
    s.arrivals++;
    s.latestAt = at;
    if (!s.reading && !s.prefetched) {
      s.prefetched = true;
      this.start(mailingId, s);
    }
  }

  /** The coalescer pushed this mailing's changes: push counters covering them as soon as a read does. */
  due(mailingId: number): void {
    const s = this.mailings.get(mailingId);
    if (!s) return;
    s.wanted = s.arrivals;
    s.prefetched = false;
    this.settle(mailingId, s);
  }

  private start(mailingId: number, s: MailingState<P>): void {
    s.reading = true;
    // The changes of one batch the engine recorded arrive together: count them all before reading.
    queueMicrotask(() => {
      const [covers, at] = [s.arrivals, s.latestAt];
      this.read(mailingId).then(
        (progress) => {
          s.reading = false;
          s.done = { covers, at, progress };
          this.settle(mailingId, s);
        },
        (err: unknown) => {
          // This push goes without counters; the next change reads again.
          console.error('[live] reading the counters failed:', err);
          s.reading = false;
          s.wanted = null;
          this.settle(mailingId, s);
        },
      );
    });
  }

  private settle(mailingId: number, s: MailingState<P>): void {
    if (s.reading) return;
    if (s.wanted !== null) {
      if (!s.done || s.done.covers < s.wanted) return this.start(mailingId, s);
      if (s.done.progress) this.push(s.done.progress, s.done.at);
      [s.pushed, s.wanted] = [s.done.covers, null];
    }
    if (s.pushed === s.arrivals && s.wanted === null) {
      this.mailings.delete(mailingId);
    } else if (!s.prefetched && s.arrivals > (s.done?.covers ?? 0)) {
      // Changes came while the last read ran: read them ahead of their push too.
      s.prefetched = true;
      this.start(mailingId, s);
    }
  }
}
