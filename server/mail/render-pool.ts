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
  /** Renders waiting for a thread; past it a preview is refused (its content would wait in memory) and a send waits its turn. */
  queue: 16,
} as const;

/** The pool's queue is full and the caller asked to be refused rather than wait (a preview, an analysis). */
export class RenderPoolBusy extends Error {
  constructor() {
    super('The server is rendering too many templates right now; try again in a moment');
  }
}

/** What a render does when the pool's queue is full: a send waits its turn, anything else is refused. */
export interface WhenFull {
  whenFull: 'wait' | 'refuse';
}

/** Renders on the pool or in its queue: at most threads + queue. */
let taken = 0;
/**
 * Renders waiting for a place (whenFull: 'wait'), first come first served. Only sends wait, and
 * the engine sends a bounded number of messages at once, so this list is bounded too.
 */
const waiting: (() => void)[] = [];

/** Takes a place, synchronously when one is free; else waits for one or throws RenderPoolBusy. */
async function admit({ whenFull }: WhenFull): Promise<void> {
  if (taken < POOL_LIMITS.threads + POOL_LIMITS.queue) {
    taken++;
    return;
  }
  if (whenFull === 'refuse') throw new RenderPoolBusy();
  await new Promise<void>((resolve) => waiting.push(resolve));
}

/** Gives a place back: a waiting send takes it over before anyone new can. */
function release(): void {
  const next = waiting.shift();
  if (next) next();
  else taken--;
}

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
 * Runs one job on the pool once it has a place (admit), with the wall-time limit counted from when
 * a worker takes it up. A template that fails, or breaks a limit, throws TemplateError with the reason.
 */
async function run(job: RenderJob, whenFull: WhenFull): Promise<Extract<RenderOutcome, { ok: true }>> {
  await admit(whenFull);
  try {
    return await runAdmitted(job);
  } finally {
    release();
  }
}

async function runAdmitted(job: RenderJob): Promise<Extract<RenderOutcome, { ok: true }>> {
  const { port1: started, port2: startedInWorker } = new MessageChannel();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  started.once('message', () => (timer = setTimeout(() => abort.abort(), POOL_LIMITS.wallMs)));
  try {
    const outcome = await renderPool().run({ ...job, started: startedInWorker }, { transferList: [startedInWorker], signal: abort.signal });
    if (!outcome.ok) throw new TemplateError(outcome.problem);
    return outcome;
  } catch (err) {
    if (abort.signal.aborted) throw new TemplateError({ cause: 'limit', part: null, limit: 'wall_time', value: POOL_LIMITS.wallMs / 1000, at: null });
    if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') throw new TemplateError({ cause: 'limit', part: null, limit: 'heap', value: POOL_LIMITS.heapMb * 1024 * 1024, at: null });
    throw err;
  } finally {
    clearTimeout(timer);
    started.close();
  }
}

/** One recipient's message, rendered on the pool (see renderInThisThread for what it contains). */
export async function renderMessage(input: RenderInput, whenFull: WhenFull): Promise<RenderedMessage> {
  const outcome = await run({ kind: 'render', input }, whenFull);
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
 * seconds). Throws TemplateError when a part does not parse, has a file tag or breaks a limit,
 * and RenderPoolBusy when the pool's queue is full.
 */
export async function analyseMessage(content: MessageContent): Promise<string[]> {
  const key = createHash('sha256').update(JSON.stringify([content.subject, content.html, content.text])).digest('base64');
  let result = analysed.get(key);
  if (!result) {
    try {
      // Asked for by a request (a preview, a save, a new mailing), never by a send: refused when full.
      result = ((await run({ kind: 'analyse', content }, { whenFull: 'refuse' })) as { variables: string[] }).variables;
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
