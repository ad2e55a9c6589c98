import type { MessagePort } from 'node:worker_threads';
import { renderInThisThread, TemplateError, usedVariables, type MessageContent, type RenderedMessage, type RenderInput } from './render.js';
import type { TemplateProblem } from '../domain/template-problems.js';

/** What the pool's workers do: render one recipient's message, or list the variables a message uses (which parses it). */
export type RenderJob = { kind: 'render'; input: RenderInput } | { kind: 'analyse'; content: MessageContent };

export type RenderTask = RenderJob & {
  /** Told when the work starts, so the wall-time limit does not count the time spent queued. */
  started: MessagePort;
};

/** A template's own failure travels as a value: errors lose their class between threads. */
export type RenderOutcome =
  | { ok: true; message: RenderedMessage }
  | { ok: true; variables: string[] }
  | { ok: false; problem: TemplateProblem };

/** The pool's task (render-pool.ts), on a worker thread. */
export default async function renderTask(task: RenderTask): Promise<RenderOutcome> {
  task.started.postMessage('started');
  task.started.close();
  try {
    if (task.kind === 'analyse') return { ok: true, variables: usedVariables(task.content) };
    return { ok: true, message: await renderInThisThread(task.input) };
  } catch (err) {
    if (err instanceof TemplateError) return { ok: false, problem: err.problem };
    throw err;
  }
}
