/** InnoDB's "deadlock found" and "lock wait timeout": the statement or transaction was rolled back whole. */
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/**
 * Runs a short write (one statement or one transaction) again when InnoDB picked it as a
 * deadlock victim. The engine's writers take row and mailing locks in different orders (a claim
 * reads the mailing's status under lock, recording a send bumps its counters), so under load a
 * deadlock is expected now and then; InnoDB has already undone the victim, so running it again
 * is safe.
 */
export async function retryOnDeadlock<T>(write: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= attempts || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt * Math.random()));
    }
  }
}
