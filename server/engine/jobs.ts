import type { JobRunner } from './job-runner.js';
import type { EngineContext } from './ports.js';
import { runAccount } from './scheduler.js';
import { readInbox, type IntakeContext } from './intake.js';
import { intakeRepository } from '../db/repositories/intake.repository.js';
import { expireStaleClaims } from './recovery.js';
import { rebindStranded } from './rebind.js';
import { finishIfDone } from './mailing-events.js';

export const ACCOUNT_JOB = 'send-account';
export const RECONCILE_JOB = 'reconcile';
export const INTAKE_JOB = 'read-inbox';

export interface EngineOptions {
  /** How often reconcile runs (ms). */
  reconcileEveryMs?: number;
  /** The longest one account run keeps its lock before handing back to agenda (ms). */
  runMs?: number;
  /** How many accounts this process sends for at once (it locks no more, so other workers take the rest). */
  accountsPerWorker?: number;
  /** How long one inbox run may wait for new mail (IDLE) before handing back to agenda (ms). */
  intakeRunMs?: number;
  /** How often an inbox whose server cannot tell of new mail (no IDLE) is read (ms). */
  intakePollMs?: number;
}

/** An inbox that could not be read is tried again after this long (a wrong password stays wrong). */
const INTAKE_RETRY_MS = 5 * 60_000;

/**
 * The agenda side of the engine: one job per account (unique by account id, rescheduled to the
 * account's next slot) and a recurring reconcile job. Agenda's locks keep an account's job on one
 * worker at a time; the ledger's guarded claims keep each recipient to one send even if not.
 */
export class AccountJobs {
  private readonly runMs: number;
  private readonly reconcileEveryMs: number;
  private readonly accountsPerWorker: number;
  private readonly intakeRunMs: number;
  private readonly intakePollMs: number;
  /** Set by stop(): runs start no more messages. */
  private stopping = false;
  /** The account runs in progress in this process, which stop() waits for. */
  private readonly runs = new Set<Promise<unknown>>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly runner: JobRunner,
    /** Null where no mailbox reader is wired: inboxes are then not read. */
    private readonly intake: IntakeContext | null,
    options: EngineOptions = {},
  ) {
    this.runMs = options.runMs ?? 30_000;
    this.reconcileEveryMs = options.reconcileEveryMs ?? 30_000;
    this.accountsPerWorker = options.accountsPerWorker ?? 50;
    this.intakeRunMs = options.intakeRunMs ?? 4 * 60_000;
    this.intakePollMs = options.intakePollMs ?? 60_000;
  }

  async start(): Promise<void> {
    const { agenda } = this.runner;
    agenda.maxConcurrency(50).defaultConcurrency(50);
    // A worker killed mid-run leaves its lock behind, holding the account back until the lock
    // expires, so it is short; a live run renews it every quarter of it, also while an SMTP
    // transaction is in flight, so agenda never starts a second run of the account beside it.
    // (Were one started anyway, the ledger's claims fence each run's writes to its own rows.)
    const lockLifetime = Math.min(this.runMs, this.ctx.leaseMs) * 2;
    agenda.define<{ accountId: number }>(
      ACCOUNT_JOB,
      async (job) => {
        const renew = setInterval(() => job.touch().catch((err: Error) => console.error(`[engine] could not renew the lock of account ${job.attrs.data.accountId}: ${err.message}`)), lockLifetime / 4);
        const run = runAccount(this.ctx, job.attrs.data.accountId, { deadline: this.ctx.wallClock() + this.runMs, stopping: () => this.stopping });
        this.runs.add(run);
        try {
          // Saved by agenda when the run ends; null leaves the job idle until work wakes it.
          job.attrs.nextRunAt = await run;
        } finally {
          this.runs.delete(run);
          clearInterval(renew);
        }
      },
      { lockLifetime, concurrency: this.accountsPerWorker, lockLimit: this.accountsPerWorker },
    );
    if (this.intake) this.defineIntake(this.intake);
    // Likewise a dead worker's reconcile lock stops lease expiry and mailing completion until it
    // expires; reconcile is idempotent, so a slow run overlapping the next one does no harm.
    agenda.define(RECONCILE_JOB, () => this.reconcile(), { lockLifetime: this.reconcileEveryMs * 2, concurrency: 1 });
    await agenda.every(this.reconcileEveryMs, RECONCILE_JOB);
  }

  /**
   * One job per inbox: it reads what is new, then waits for more (IDLE) until its run ends and
   * comes back at once; a server without IDLE is read again after the poll interval, and one that
   * could not be read after INTAKE_RETRY_MS. Its lock is renewed while it waits, as an account's is.
   */
  private defineIntake(intake: IntakeContext) {
    const lockLifetime = Math.max(this.intakeRunMs, 60_000) * 2;
    this.runner.agenda.define<{ inboxId: number }>(
      INTAKE_JOB,
      async (job) => {
        const renew = setInterval(() => job.touch().catch((err: Error) => console.error(`[intake] could not renew the lock of inbox ${job.attrs.data.inboxId}: ${err.message}`)), lockLifetime / 4);
        const run = readInbox(intake, job.attrs.data.inboxId, { deadline: this.ctx.wallClock() + this.intakeRunMs, stopping: () => this.stopping });
        this.runs.add(run);
        // A run that failed (the database away, say) comes back like an unreadable inbox: never left unscheduled.
        let after = INTAKE_RETRY_MS;
        let gone = false;
        try {
          const result = await run;
          gone = result === null;
          if (result) await this.wake(result.wake);
          if (result) after = result.health !== 'ok' ? INTAKE_RETRY_MS : result.idles || result.more ? 0 : this.intakePollMs;
        } finally {
          job.attrs.nextRunAt = gone ? null : new Date(this.ctx.wallClock() + after);
          this.runs.delete(run);
          clearInterval(renew);
        }
        // An inbox removed (or its account deleted) leaves no job behind to run for ever.
        if (gone) await job.remove();
      },
      { lockLifetime, concurrency: this.accountsPerWorker, lockLimit: this.accountsPerWorker },
    );
  }

  /** Reads these inboxes now (a new or changed inbox); every other inbox keeps its own schedule. */
  async readInboxes(inboxIds: number[]): Promise<void> {
    for (const inboxId of new Set(inboxIds)) {
      await this.runner.agenda.create(INTAKE_JOB, { inboxId }).unique({ 'data.inboxId': inboxId }).schedule(new Date(this.ctx.wallClock())).save();
    }
  }

  /**
   * A graceful stop (SIGTERM): every run finishes the message it has on the wire, gives back the
   * claims it has not started and ends, so a deploy leaves nothing in flight (nothing uncertain).
   * Call it before stopping the job runner and closing the transport and the database.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.runs]);
  }

  /** Makes sure each account's job runs now (its own pacing then decides whether to send). */
  async wake(accountIds: number[]): Promise<void> {
    for (const accountId of new Set(accountIds)) {
      await this.runner.agenda.create(ACCOUNT_JOB, { accountId }).unique({ 'data.accountId': accountId }).schedule(new Date(this.ctx.wallClock())).save();
    }
  }

  /**
   * The safety net, run by agenda every RECONCILE_SECONDS and callable by tests: expire stale
   * claims, move recipients whose account can no longer take them, finish mailings with no open
   * work, and wake every account that has work but no running job.
   */
  async reconcile(): Promise<void> {
    await expireStaleClaims(this.ctx);
    const em = this.ctx.unitOfWork();
    await rebindStranded(this.ctx, em);
    if (this.intake) {
      // Every inbox has its job; one already scheduled keeps its time.
      for (const inboxId of await intakeRepository.ids(em)) {
        await this.runner.agenda.create(INTAKE_JOB, { inboxId }).unique({ 'data.inboxId': inboxId }, { insertOnly: true }).schedule(new Date(this.ctx.wallClock())).save();
      }
    }
    for (const mailingId of await this.ctx.ledger.liveIds(em)) await finishIfDone(this.ctx, em, mailingId);
    const withWork = await this.ctx.ledger.accountsWithWork(em);
    if (!withWork.length) return;
    const accounts = await this.ctx.ledger.nextSends(em, withWork);
    const due = accounts.filter((a) => !a.nextSendAt || a.nextSendAt <= this.ctx.now()).map((a) => a.id);
    await this.wake(due);
  }
}
