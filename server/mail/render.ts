import { Context, Drop, toPromise, type Emitter, type Template } from 'liquidjs';
import type { ContentFormat } from '../domain/content.js';
import { htmlToText, textToHtml } from './html-to-text.js';
import { sanitizeContentHtml } from './sanitize.js';
import { engineFor, TEMPLATE_LIMITS, type MessagePart } from './liquid-engines.js';

export interface MessageContent {
  subject: string;
  html: string;
  text: string | null;
}

export interface SignatureContent {
  format: ContentFormat;
  body: string;
}

export type { MessagePart };

/**
 * A template that does not parse or render, or breaks a limit; the message names the part, line
 * and column where they are known (a worker that ran out of memory or time does not know them).
 */
export class TemplateError extends Error {
  constructor(
    readonly part: MessagePart | null,
    readonly reason: string,
    /** True when the template broke a limit (memory, time, output size) rather than a rule of liquid. */
    readonly limit = false,
  ) {
    super(part ? `${part}: ${reason}` : reason);
  }
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
    throw new TemplateError(part, (err as Error).message);
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

const OUTPUT_TOO_LARGE = `the output is larger than ${TEMPLATE_LIMITS.outputChars.toLocaleString('en')} characters`;

/** Collects a part's output and refuses to grow past TEMPLATE_LIMITS.outputChars, as it is written. */
class CappedOutput implements Emitter {
  buffer = '';
  write(value: unknown) {
    const chunk = String(value ?? '');
    if (this.buffer.length + chunk.length > TEMPLATE_LIMITS.outputChars) throw new Error(OUTPUT_TOO_LARGE);
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
    const message = (err as Error).message;
    const limit = LIMIT_MESSAGES.find(([pattern]) => pattern.test(message));
    throw new TemplateError(part, limit ? message.replace(...limit) : message, Boolean(limit));
  }
}

/** liquidjs's limit messages, and the output cap's, said in the author's terms (liquid's ", line:…, col:…" is kept). */
const LIMIT_MESSAGES: [RegExp, string][] = [
  [/^memory alloc limit exceeded/, `the template needs too much memory (more than ${TEMPLATE_LIMITS.memoryUnits.toLocaleString('en')} items or characters: a loop over a huge range, or a string grown too long)`],
  [/^template render limit exceeded/, `the template takes too long to render (more than ${TEMPLATE_LIMITS.renderMs / 1000} s)`],
  [new RegExp(`^${OUTPUT_TOO_LARGE}`), OUTPUT_TOO_LARGE],
];

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
