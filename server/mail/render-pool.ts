import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { TemplateError, type RenderedMessage, type RenderInput } from './render.js';
import type { RenderOutcome, RenderTask } from './render-worker.js';

/**
 * Templates are user input: they render on worker threads, off the server's heap and event loop.
 * Each worker has its own small heap, and a render that outlives its wall time has its worker
 * terminated (piscina starts a new one). These back up liquidjs's own limits (TEMPLATE_LIMITS),
 * which stop the usual bombs before they allocate: a worker that reaches its heap limit can still
 * take the whole process down on Node 20 (nodejs/node#47224), so the heap limit is a last resort.
 */
export const POOL_LIMITS = {
  heapMb: 64,
  wallMs: 5_000,
  threads: 2,
} as const;

let pool: Piscina<RenderTask, RenderOutcome> | null = null;

/** The process's one pool, started on first use. */
function renderPool(): Piscina<RenderTask, RenderOutcome> {
  pool ??= new Piscina({
    filename: new URL('./render-worker.mjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: POOL_LIMITS.threads,
    idleTimeout: 60_000,
    resourceLimits: { maxOldGenerationSizeMb: POOL_LIMITS.heapMb },
  });
  // A worker that dies with no task left to fail (e.g. out of memory while being terminated for
  // its wall time) is reported on the pool, and an unheard 'error' event would end the process.
  // piscina has already replaced it; the task's caller was told.
  pool.on('error', (err: Error) => console.error(`[render-pool] a worker failed: ${err.message}`));
  return pool;
}

/**
 * One recipient's message, rendered on the pool (see renderInThisThread for what it contains).
 * A template that fails, or breaks a limit, throws TemplateError with the reason.
 */
export async function renderMessage(input: RenderInput): Promise<RenderedMessage> {
  const { port1: started, port2: startedInWorker } = new MessageChannel();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  started.once('message', () => (timer = setTimeout(() => abort.abort(), POOL_LIMITS.wallMs)));
  try {
    const outcome = await renderPool().run({ input, started: startedInWorker }, { transferList: [startedInWorker], signal: abort.signal });
    if (!outcome.ok) throw new TemplateError(outcome.part, outcome.reason, outcome.limit);
    return outcome.message;
  } catch (err) {
    if (abort.signal.aborted) throw new TemplateError(null, `rendering took longer than ${POOL_LIMITS.wallMs / 1000} s`, true);
    if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') throw new TemplateError(null, `rendering needed more than ${POOL_LIMITS.heapMb} MB of memory`, true);
    throw err;
  } finally {
    clearTimeout(timer);
    started.close();
  }
}

/** Stops the pool's workers (at shutdown); the next render starts a new pool. */
export async function closeRenderPool(): Promise<void> {
  const closing = pool;
  pool = null;
  await closing?.destroy();
}
