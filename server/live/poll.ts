/**
 * Runs `tick` now and then every `everyMs`, never two at once; a tick that throws is logged and
 * the next one runs. Stopping waits for a tick in progress, so it never outlives the database it reads.
 */
export function startPolling(label: string, tick: () => Promise<void>, everyMs: number): () => Promise<void> {
  let busy = false;
  const run = async () => {
    busy = true;
    try {
      await tick();
    } catch (err) {
      console.error(`[live] ${label} failed:`, (err as Error).message);
    } finally {
      busy = false;
    }
  };
  let current = run();
  const timer = setInterval(() => {
    if (!busy) current = run();
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await current;
  };
}
