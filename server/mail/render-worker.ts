import type { MessagePort } from 'node:worker_threads';
import { renderInThisThread, TemplateError, type MessagePart, type RenderedMessage, type RenderInput } from './render.js';

export interface RenderTask {
  input: RenderInput;
  /** Told when rendering starts, so the wall-time limit does not count the time spent queued. */
  started: MessagePort;
}

/** A template's own failure travels as a value: errors lose their class between threads. */
export type RenderOutcome = { ok: true; message: RenderedMessage } | { ok: false; part: MessagePart | null; reason: string; limit: boolean };

/** The pool's task (render-pool.ts): one recipient's message, on a worker thread. */
export default async function renderTask({ input, started }: RenderTask): Promise<RenderOutcome> {
  started.postMessage('started');
  started.close();
  try {
    return { ok: true, message: await renderInThisThread(input) };
  } catch (err) {
    if (err instanceof TemplateError) return { ok: false, part: err.part, reason: err.reason, limit: err.limit };
    throw err;
  }
}
