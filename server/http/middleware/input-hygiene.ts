import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { isBinaryUpload } from './binary-upload.js';

/**
 * Text from outside is checked once, here, before any route sees it: no string in the path, the
 * query or a JSON or text body may hold control characters or ill-formed Unicode (a lone UTF-16
 * surrogate, which the database would store as invalid UTF-8). Tab, line feed and carriage return
 * are allowed only in the fields that hold several lines of text, and in CSV files.
 */

/** JSON fields that hold multi-line text: message parts, signature bodies, the unsubscribe text, a PEM key. */
const MULTI_LINE_FIELDS = new Set(['html', 'text', 'body', 'unsubscribeText', 'dkimPrivateKey']);

// C0 controls, DEL and C1 controls; the second leaves out tab, LF and CR.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** What is wrong with `value`, or null when it is clean text. */
export function textProblem(value: string, multiLine: boolean): string | null {
  const control = (multiLine ? CONTROL_BUT_LINES : CONTROL).exec(value);
  if (control) return `must not contain control characters (found ${codePoint(control[0])})`;
  if (!value.isWellFormed()) return 'must be well-formed Unicode (found a lone surrogate)';
  return null;
}

interface Problem {
  path: string;
  message: string;
}

/**
 * How deep a JSON body may nest. The API's deepest bodies (mailing filters) use a handful of
 * levels; a few kB of brackets would otherwise overflow the stack of whatever walks the value.
 */
const MAX_JSON_DEPTH = 32;

/** The first bad string (or key) in a parsed JSON value, with its path ("selections.company.filter.q"). */
export function jsonProblem(value: unknown, path: (string | number)[] = []): Problem | null {
  const here = () => path.join('.') || 'body';
  if (path.length > MAX_JSON_DEPTH) return { path: here(), message: `is nested deeper than ${MAX_JSON_DEPTH} levels` };
  if (typeof value === 'string') {
    const field = path.findLast((p) => typeof p === 'string');
    const message = textProblem(value, field !== undefined && MULTI_LINE_FIELDS.has(field));
    return message ? { path: here(), message } : null;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const problem = jsonProblem(item, [...path, i]);
      if (problem) return problem;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyMessage = textProblem(key, false);
      if (keyMessage) return { path: here(), message: `field names ${keyMessage}` };
      const problem = jsonProblem(item, [...path, key]);
      if (problem) return problem;
    }
  }
  return null;
}

/** The first bad line of a text body (a CSV file), counted from 1. */
function textBodyProblem(text: string): Problem | null {
  const message = textProblem(text, true);
  if (!message) return null;
  const lines = text.split('\n');
  const line = lines.findIndex((l) => textProblem(l, true) !== null);
  return { path: `line ${line + 1}`, message };
}

/** Refuses like a validation error; `path` is also the `field` when it names an input (a query parameter or a JSON field). */
const refuse = ({ path, message }: Problem, isField: boolean) => ApiError.invalid([{ path, message }], isField ? path : undefined);

const isJson = (type: string) => /^application\/([a-z-.]+\+)?json\b/i.test(type);

export const inputHygiene = () =>
  createMiddleware<AppEnv>(async function inputHygiene(c, next) {
    const pathMessage = textProblem(c.req.path, false);
    if (pathMessage) throw refuse({ path: 'path', message: pathMessage }, false);
    for (const [key, values] of Object.entries(c.req.queries())) {
      const keyMessage = textProblem(key, false);
      if (keyMessage) throw refuse({ path: 'query', message: `parameter names ${keyMessage}` }, false);
      for (const value of values) {
        const message = textProblem(value, false);
        if (message) throw refuse({ path: key, message }, true);
      }
    }
    const type = c.req.header('content-type') ?? '';
    if (isJson(type) && !isBinaryUpload(c)) {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch (err) {
        // Malformed JSON is the validator's to explain; anything else (the size limit) stands.
        if (!(err instanceof SyntaxError)) throw err;
      }
      const problem = jsonProblem(body);
      if (problem) throw refuse(problem, problem.path !== 'body');
    } else if (c.req.raw.body && !isBinaryUpload(c)) {
      // The API takes no other binary body: any other body (a CSV file, whatever its stated type) is text.
      const problem = textBodyProblem(await c.req.text());
      if (problem) throw refuse(problem, false);
    }
    await next();
  });
