import type { Viewer } from './protocol.js';

/**
 * Who has which mailing's page open, per socket, and which pages a dropped connection may still
 * recover. The hub pushes a mailing's recipient changes only while `watched` says someone may see
 * them: socket.io keeps every push for recovery, so pushing each recipient of every sending mailing
 * to empty rooms would hold minutes of them in memory for nobody. The clock is injected for tests.
 */
export class PageWatchers {
  private readonly pages = new Map<number, Map<string, Viewer>>();
  /** Pages of dropped connections, until their recovery window closes. */
  private readonly recoverable = new Map<number, number>();

  constructor(
    private readonly recoveryMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  open(mailingId: number, socketId: string, viewer: Viewer): void {
    if (!this.pages.has(mailingId)) this.pages.set(mailingId, new Map());
    this.pages.get(mailingId)!.set(socketId, viewer);
  }

  /** Whether the socket had the page open. */
  close(mailingId: number, socketId: string): boolean {
    const page = this.pages.get(mailingId);
    if (!page?.delete(socketId)) return false;
    if (!page.size) this.pages.delete(mailingId);
    return true;
  }

  /** The socket's connection ended: its pages close, and stay watched while it may recover them. Answers those pages. */
  dropped(socketId: string): number[] {
    const closed = [...this.pages.keys()].filter((mailingId) => this.close(mailingId, socketId));
    for (const mailingId of closed) this.recoverable.set(mailingId, this.now() + this.recoveryMs);
    return closed;
  }

  /** The people on the page, each once however many tabs they have open. */
  viewers(mailingId: number): Viewer[] {
    return [...new Map([...(this.pages.get(mailingId)?.values() ?? [])].map((v) => [v.id, v])).values()];
  }

  watched(mailingId: number): boolean {
    if (this.pages.has(mailingId)) return true;
    const until = this.recoverable.get(mailingId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.recoverable.delete(mailingId);
    return false;
  }
}
