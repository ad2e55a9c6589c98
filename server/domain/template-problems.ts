import { formatMb } from './attachments.js';

/**
 * Why a message's template does not parse or render, as values: the part, and either a rule or
 * limit of Mailroom's (with the limit's value) or liquidjs's own message verbatim (a library's
 * reply). The UI words it in the reader's language; `templateProblemText` is the English copy, as
 * the API's `error` and the logs carry it.
 */

/** The parts of a message, each rendered by its own engine. */
export type MessagePart = 'subject' | 'html' | 'text';

/**
 * Mailroom's limits on one render, each with its value in its own unit: liquid's memory units
 * (items or characters), liquid's render time (seconds), a part's output (characters), the
 * worker's wall time (seconds) and the worker's heap (bytes).
 */
export const TEMPLATE_LIMIT_CODES = ['memory', 'render_time', 'output_size', 'wall_time', 'heap'] as const;
export type TemplateLimit = (typeof TEMPLATE_LIMIT_CODES)[number];

/** Where in a part liquid stopped, 1-based. */
export type TemplatePosition = { line: number; col: number };

export type TemplateProblem =
  /** liquidjs's own message (a syntax error, an unknown variable or filter), with its position, as it wrote it. */
  | { cause: 'liquid'; part: MessagePart; error: string }
  /** A tag that loads another template (`include`, `render`, `layout`): a message is one self-contained template. */
  | { cause: 'file_tag'; part: MessagePart; tag: string; at: TemplatePosition | null }
  /** A limit broken; no part or position when the worker was stopped from outside (its heap, its wall time). */
  | { cause: 'limit'; part: MessagePart | null; limit: TemplateLimit; value: number; at: TemplatePosition | null };

/** A limit's English, its value in place. */
const LIMIT_ENGLISH: Record<TemplateLimit, (value: number) => string> = {
  memory: (v) => `the template needs too much memory (more than ${v.toLocaleString('en')} items or characters: a loop over a huge range, or a string grown too long)`,
  render_time: (v) => `the template takes too long to render (more than ${v} s)`,
  output_size: (v) => `the output is larger than ${v.toLocaleString('en')} characters`,
  wall_time: (v) => `the template took longer than ${v} s`,
  heap: (v) => `the template needed more than ${formatMb(v)} of memory`,
};

/** liquidjs's way of placing an error, which the API has always said. */
const position = (at: TemplatePosition | null) => (at ? `, line:${at.line}, col:${at.col}` : '');

/** The problem in English: "html: the output is larger than 2,000,000 characters, line:1, col:25". */
export function templateProblemText(p: TemplateProblem): string {
  const prefix = p.part ? `${p.part}: ` : '';
  switch (p.cause) {
    case 'liquid':
      return `${prefix}${p.error}`;
    case 'file_tag':
      return `${prefix}{% ${p.tag} %} is not allowed: a message cannot load other templates${position(p.at)}`;
    case 'limit':
      return `${prefix}${LIMIT_ENGLISH[p.limit](p.value)}${position(p.at)}`;
  }
}
