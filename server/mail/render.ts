import { Drop, Liquid, type Template } from 'liquidjs';
import type { ContentFormat } from '../domain/content.js';
import { htmlToText, textToHtml } from './html-to-text.js';

const refuse = (file: string): never => {
  throw new Error(`Templates cannot load other files ("${file}")`);
};
const NO_FILES = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async (file: string) => refuse(file),
  readFileSync: (file: string) => refuse(file),
  resolve: (_dir: string, file: string) => file,
  contains: async () => false,
  containsSync: () => false,
};

/** Tags that pull in other templates: a message is one self-contained template. */
const FILE_TAGS = /\{%-?\s*(include|render|layout)\b/;

/**
 * Renders message templates per recipient. Liquid is data-only (no code runs); strict settings
 * make a missing variable or filter an error instead of a silent blank in someone's inbox.
 */
export const liquid = new Liquid({
  // Templates are user input: no file system at all, so {% include %} and friends read nothing.
  fs: NO_FILES,
  relativeReference: false,
  strictVariables: true,
  strictFilters: true,
  ownPropertyOnly: true,
  // A template is user input: bound what a loop like {% for i in (1..1000000000) %} may cost.
  renderLimit: 2_000,
  memoryLimit: 50_000_000,
});

export interface MessageContent {
  subject: string;
  html: string;
  text: string | null;
}

export interface SignatureContent {
  format: ContentFormat;
  body: string;
}

export type MessagePart = 'subject' | 'html' | 'text';

/** A template that does not parse or render; the message names the part, line and column. */
export class TemplateError extends Error {
  constructor(
    readonly part: MessagePart,
    message: string,
  ) {
    super(`${part}: ${message}`);
  }
}

/**
 * Parsed templates by source: a mailing renders the same few templates for every recipient, and
 * parsing costs more than rendering. Parsed templates are immutable, so they are safe to share.
 */
const parsed = new Map<string, Template[]>();
const PARSED_MAX = 200;

function parsePart(part: MessagePart, source: string): Template[] {
  const cached = parsed.get(source);
  if (cached) return cached;
  const fileTag = FILE_TAGS.exec(source);
  if (fileTag) throw new TemplateError(part, `{% ${fileTag[1]} %} is not allowed: a message cannot load other templates`);
  let templates: Template[];
  try {
    templates = liquid.parse(source);
  } catch (err) {
    throw new TemplateError(part, (err as Error).message);
  }
  // Oldest first out: Map keeps insertion order.
  if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value!);
  parsed.set(source, templates);
  return templates;
}

function parts(content: MessageContent): [MessagePart, string][] {
  const list: [MessagePart, string][] = [['subject', content.subject], ['html', content.html]];
  if (content.text) list.push(['text', content.text]);
  return list;
}

/** Throws TemplateError when any part has a syntax error. */
export function checkSyntax(content: MessageContent): void {
  for (const [part, source] of parts(content)) parsePart(part, source);
}

/** The top-level variable names the message uses (e.g. `first_name` for `{{ first_name | upcase }}`), sorted. */
export function usedVariables(content: MessageContent): string[] {
  const names = new Set<string>();
  for (const [part, source] of parts(content)) {
    for (const name of liquid.globalVariablesSync(parsePart(part, source))) names.add(name);
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
export function withUnknownMarkers(variables: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return { ...variables, ...Object.fromEntries(names.map((name) => [name, new UnknownVariable(name)])) };
}

export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

async function renderPart(part: MessagePart, source: string, scope: Record<string, unknown>): Promise<string> {
  const template = parsePart(part, source);
  try {
    return (await liquid.render(template, scope)) as string;
  } catch (err) {
    throw new TemplateError(part, (err as Error).message);
  }
}

/** Inserts `block` before </body>, or at the end of a fragment. */
export function appendHtml(html: string, block: string): string {
  const close = html.search(/<\/body\s*>/i);
  return close === -1 ? `${html}\n${block}` : `${html.slice(0, close)}${block}\n${html.slice(close)}`;
}

/**
 * One recipient's subject, HTML and text. Variable values are HTML-escaped in the HTML part only.
 * The signature is appended as written (it is not a template), in its own format, after a
 * conventional "-- " line in the text part. Without a text template the text is derived from the HTML.
 */
export async function renderMessage(
  content: MessageContent & { signature: SignatureContent | null },
  variables: Record<string, unknown>,
): Promise<{ subject: string; html: string; text: string }> {
  const htmlScope = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? escapeHtml(v) : v]));
  // A header must stay on one line whatever the variables contain.
  const subject = (await renderPart('subject', content.subject, variables)).replace(/[\r\n]+/g, ' ').trim();
  let html = await renderPart('html', content.html, htmlScope);
  let text = content.text ? await renderPart('text', content.text, variables) : htmlToText(html);
  const signature = content.signature;
  if (signature?.body.trim()) {
    const asHtml = signature.format === 'html' ? signature.body : textToHtml(signature.body);
    const asText = signature.format === 'html' ? htmlToText(signature.body) : signature.body.trim();
    html = appendHtml(html, `<div class="signature">${asHtml}</div>`);
    text = `${text.trimEnd()}\n\n-- \n${asText}`;
  }
  return { subject, html, text };
}
