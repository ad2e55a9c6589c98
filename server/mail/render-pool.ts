import { createHash } from 'node:crypto';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { TemplateError, type MessageContent, type RenderedMessage, type RenderInput } from './render.js';
import type { RenderJob, RenderOutcome, RenderTask } from './render-worker.js';

/**
 * Templates are user input: they are parsed and rendered on worker threads, off the server's heap
 * and event loop. Each worker has its own small heap, and a job that outlives its wall time has
 * its worker terminated (piscina starts a new one). These back up liquidjs's own limits (TEMPLATE_LIMITS),
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
  if (pool) return pool;
  pool = new Piscina({
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
 * Runs one job on the pool, with the wall-time limit counted from when a worker takes it up.
 * A template that fails, or breaks a limit, throws TemplateError with the reason.
 */
async function run(job: RenderJob): Promise<Extract<RenderOutcome, { ok: true }>> {
  const { port1: started, port2: startedInWorker } = new MessageChannel();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  started.once('message', () => (timer = setTimeout(() => abort.abort(), POOL_LIMITS.wallMs)));
  try {
    const outcome = await renderPool().run({ ...job, started: startedInWorker }, { transferList: [startedInWorker], signal: abort.signal });
    if (!outcome.ok) throw new TemplateError(outcome.part, outcome.reason, outcome.limit);
    return outcome;
  } catch (err) {
    if (abort.signal.aborted) throw new TemplateError(null, `the template took longer than ${POOL_LIMITS.wallMs / 1000} s`, true);
    if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') throw new TemplateError(null, `the template needed more than ${POOL_LIMITS.heapMb} MB of memory`, true);
    throw err;
  } finally {
    clearTimeout(timer);
    started.close();
  }
}

/** One recipient's message, rendered on the pool (see renderInThisThread for what it contains). */
export async function renderMessage(input: RenderInput): Promise<RenderedMessage> {
  const outcome = await run({ kind: 'render', input });
  return (outcome as { message: RenderedMessage }).message;
}

/**
 * What analysing a message came to, by a hash of its content: a list of messages asks again for
 * the same few, and a template that does not parse fails again the same way.
 */
const analysed = new Map<string, string[] | TemplateError>();
const ANALYSED_MAX = 500;

/**
 * The variables a message uses, sorted; parsing it on the pool (parsing a large template takes
 * seconds). Throws TemplateError when a part does not parse, has a file tag or breaks a limit.
 */
export async function analyseMessage(content: MessageContent): Promise<string[]> {
  const key = createHash('sha256').update(JSON.stringify([content.subject, content.html, content.text])).digest('base64');
  let result = analysed.get(key);
  if (!result) {
    try {
      result = ((await run({ kind: 'analyse', content })) as { variables: string[] }).variables;
    } catch (err) {
      // A limit may have been the machine's load as much as the template's: asked again next time.
      if (!(err instanceof TemplateError) || err.limit) throw err;
      result = err;
    }
    // Oldest first out: Map keeps insertion order.
    if (analysed.size >= ANALYSED_MAX) analysed.delete(analysed.keys().next().value!);
    analysed.set(key, result);
  }
  if (result instanceof TemplateError) throw result;
  return result;
}

/** Stops the pool's workers (at shutdown); the next render starts a new pool. */
export async function closeRenderPool(): Promise<void> {
  const closing = pool;
  pool = null;
  await closing?.destroy();
}
