/**
 * Runs `cleanup` (stop a server, drop a scratch database) when the process is interrupted
 * (Ctrl-C reaches every process of the run, SIGTERM from a supervisor), then exits; a `finally`
 * does not run then. Returns the function that takes the handler away once cleanup ran normally.
 */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  const handler = (signal: NodeJS.Signals) => {
    void cleanup()
      .catch((err: Error) => console.error(`cleanup after ${signal} failed: ${err.message}`))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  };
}
