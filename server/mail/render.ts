import { Context, Drop, toPromise, type Emitter, type Template } from 'liquidjs';
import type { ContentFormat } from '../domain/content.js';
import { htmlToText, textToHtml } from './html-to-text.js';
import { sanitizeContentHtml } from './sanitize.js';
import { engineFor, FileTagError, TEMPLATE_LIMITS } from './liquid-engines.js';
import { templateProblemText, type MessagePart, type TemplateLimit, type TemplatePosition, type TemplateProblem } from '../domain/template-problems.js';

export interface MessageContent {
  subject: string;
  html: string;
  text: string | null;
}

export interface SignatureContent {
  format: ContentFormat;
  body: string;
}

/**
 * A template that does not parse or render, or breaks a limit: the problem as values (the part,
 * and Mailroom's limit or liquid's own words, with the line and column where they are known: a
 * worker that ran out of memory or time does not know them), its English the message.
 */
export class TemplateError extends Error {
  constructor(readonly problem: TemplateProblem) {
    super(templateProblemText(problem));
  }

  /** True when the template broke a limit (memory, time, output size) rather than a rule of liquid. */
  get limit(): boolean {
    return this.problem.cause === 'limit';
  }
}

/** Thrown by CappedOutput; liquidjs wraps it with the position of the output that overflowed. */
class OutputTooLarge extends Error {}

/** liquidjs's own limit errors (its Limiter's messages), by the limit each is. */
const LIQUID_LIMITS: [RegExp, TemplateLimit, number][] = [
  [/^memory alloc limit exceeded/, 'memory', TEMPLATE_LIMITS.memoryUnits],
  [/^template render limit exceeded/, 'render_time', TEMPLATE_LIMITS.renderMs / 1000],
];

/** An error of liquidjs's, or of Mailroom's thrown inside it, as a problem of `part`. */
function problemOf(part: MessagePart, err: Error): TemplateProblem {
  // liquidjs wraps what a tag or an emitter throws, keeping it as originalError and the token it was at.
  let cause = err as Error & { originalError?: Error };
  while (cause.originalError) cause = cause.originalError;
  const token = (err as { token?: { getPosition(): [number, number] } }).token;
  const at: TemplatePosition | null = token ? { line: token.getPosition()[0], col: token.getPosition()[1] } : null;
  if (cause instanceof FileTagError) return { cause: 'file_tag', part, tag: cause.tag, at };
  if (cause instanceof OutputTooLarge) return { cause: 'limit', part, limit: 'output_size', value: TEMPLATE_LIMITS.outputChars, at };
  const limit = LIQUID_LIMITS.find(([pattern]) => pattern.test(cause.message));
  if (limit) return { cause: 'limit', part, limit: limit[1], value: limit[2], at };
  return { cause: 'liquid', part, error: err.message };
}

/**
 * Parsed templates by part and source: a mailing renders the same few templates for every
 * recipient, and parsing costs more than rendering. Parsed templates are immutable, so they are
 * safe to share. The part is in the key because the HTML part is parsed with output escaping.
 * Bounded by source size, since a parsed template is several times larger than its source and
 * the worker's heap is small.
 */
const parsed = new Map<string, Template[]>();
const PARSED_MAX_CHARS = 2_000_000;
let parsedChars = 0;

function parsePart(part: MessagePart, source: string): Template[] {
  const key = `${part === 'html' ? 'h' : 'p'}:${source}`;
  const cached = parsed.get(key);
  if (cached) return cached;
  let templates: Template[];
  try {
    templates = engineFor(part).parse(source);
  } catch (err) {
    throw new TemplateError(problemOf(part, err as Error));
  }
  if (key.length > PARSED_MAX_CHARS / 4) return templates;
  // Oldest first out: Map keeps insertion order.
  for (const old of parsed.keys()) {
    if (parsedChars + key.length <= PARSED_MAX_CHARS) break;
    parsed.delete(old);
    parsedChars -= old.length;
  }
  parsed.set(key, templates);
  parsedChars += key.length;
  return templates;
}

function parts(content: MessageContent): [MessagePart, string][] {
  const list: [MessagePart, string][] = [['subject', content.subject], ['html', content.html]];
  if (content.text) list.push(['text', content.text]);
  return list;
}

/**
 * The top-level variable names the message uses (e.g. `first_name` for `{{ first_name | upcase }}`),
 * sorted. Throws TemplateError when a part does not parse or has a file tag. Parsing and this
 * analysis grow faster than the source (seconds for 500,000 characters of outputs), so the server
 * calls it through the worker pool too (analyseMessage in render-pool.ts).
 */
export function usedVariables(content: MessageContent): string[] {
  const names = new Set<string>();
  for (const [part, source] of parts(content)) {
    for (const name of engineFor(part).globalVariablesSync(parsePart(part, source))) names.add(name);
  }
  return [...names].sort();
}

/** Stands in for a variable the recipient type lacks, so a preview shows it instead of failing. */
class UnknownVariable extends Drop {
  constructor(private readonly path: string) {
    super();
  }
  override liquidMethodMissing(key: string | number) {
    return new UnknownVariable(`${this.path}.${key}`);
  }
  override valueOf() {
    return `[[unknown: ${this.path}]]`;
  }
}

/** `variables` plus a visible `[[unknown: name]]` marker for each of `names`. */
function withUnknownMarkers(variables: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return { ...variables, ...Object.fromEntries(names.map((name) => [name, new UnknownVariable(name)])) };
}

/** Collects a part's output and refuses to grow past TEMPLATE_LIMITS.outputChars, as it is written. */
class CappedOutput implements Emitter {
  buffer = '';
  write(value: unknown) {
    const chunk = String(value ?? '');
    if (this.buffer.length + chunk.length > TEMPLATE_LIMITS.outputChars) throw new OutputTooLarge();
    this.buffer += chunk;
  }
}

async function renderPart(part: MessagePart, source: string, scope: Record<string, unknown>): Promise<string> {
  const template = parsePart(part, source);
  const liquid = engineFor(part);
  const output = new CappedOutput();
  try {
    const ctx = new Context(scope, liquid.options, { sync: false }, { liquid });
    const rendering = liquid.renderer.renderTemplates(template, ctx, output);
    // renderTemplates is liquidjs's generator: drive it as liquid.render does.
    await toPromise(rendering);
    return output.buffer;
  } catch (err) {
    throw new TemplateError(problemOf(part, err as Error));
  }
}

/** Inserts `block` before </body>, or at the end of a fragment. */
export function appendHtml(html: string, block: string): string {
  const close = html.search(/<\/body\s*>/i);
  return close === -1 ? `${html}\n${block}` : `${html.slice(0, close)}${block}\n${html.slice(close)}`;
}

export interface RenderInput {
  content: MessageContent & { signature: SignatureContent | null };
  variables: Record<string, string>;
  /** Names shown as `[[unknown: name]]` instead of failing (previews for a type that lacks them). */
  unknown?: string[];
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

/**
 * One recipient's subject, HTML and text, on the calling thread: the server calls it through the
 * worker pool (render-pool.ts), never directly. Variable output is HTML-escaped in the HTML part
 * only, and the finished HTML passes the same sanitiser as previews, so nothing a template builds
 * (a script, a javascript: link, an event handler) reaches an inbox. The signature is appended as
 * written (it is not a template), in its own format, after a conventional "-- " line in the text
 * part. Without a text template the text is derived from the HTML.
 */
export async function renderInThisThread({ content, variables, unknown = [] }: RenderInput): Promise<RenderedMessage> {
  const scope = withUnknownMarkers(variables, unknown);
  // A header must stay on one line whatever the variables contain.
  const subject = (await renderPart('subject', content.subject, scope)).replace(/[\r\n]+/g, ' ').trim();
  let html = await renderPart('html', content.html, scope);
  let text = content.text ? await renderPart('text', content.text, scope) : htmlToText(sanitizeContentHtml(html));
  const signature = content.signature;
  if (signature?.body.trim()) {
    const asHtml = signature.format === 'html' ? signature.body : textToHtml(signature.body);
    const asText = signature.format === 'html' ? htmlToText(signature.body) : signature.body.trim();
    html = appendHtml(html, `<div class="signature">${asHtml}</div>`);
    text = `${text.trimEnd()}\n\n-- \n${asText}`;
  }
  return { subject, html: sanitizeContentHtml(html), text };
}
