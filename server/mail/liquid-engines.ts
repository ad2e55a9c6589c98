import { Liquid, Tag, type TagToken, type TopLevelToken } from 'liquidjs';
import type { MessagePart } from '../domain/template-problems.js';

/** The liquid engines messages render with, and what they refuse. */

/**
 * Tags that pull in other templates. A message is one self-contained template, so these are
 * refused by the parser itself: whatever way they are written ({%- include -%}, inside a
 * {% liquid %} block, …) they reach the tag registry and fail there.
 */
const FILE_TAGS = ['include', 'render', 'layout'] as const;

/** What the parser throws for a file tag; liquidjs wraps it with the tag's position (render.ts reads both). */
export class FileTagError extends Error {
  constructor(readonly tag: string) {
    super(`{% ${tag} %} is not allowed`);
  }
}

class FileTagRefused extends Tag {
  constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token, remain, liquid);
    throw new FileTagError(token.name);
  }
  render(): never {
    throw new Error('unreachable: the tag is refused when parsed');
  }
}

/**
 * What one render may cost, on top of the worker's own heap and wall-time limits
 * (render-pool.ts). liquidjs counts memory in units (a range element, a character a filter
 * makes), cumulated over one render; a unit can cost up to 8 bytes (an array slot), so the
 * limit keeps liquid's own allocations well below the worker's heap: a bomb such as
 * `{% for i in (1..49000000) %}` or a string doubled thirty times is refused before it allocates.
 */
export const TEMPLATE_LIMITS = {
  /** liquidjs memory units per part. */
  memoryUnits: 4_000_000,
  /** liquidjs render time per part (checked between template nodes). */
  renderMs: 1_000,
  /** Characters of output one part may produce. */
  outputChars: 2_000_000,
} as const;

/**
 * Renders message templates per recipient. Liquid is data-only (no code runs); strict settings
 * make a missing variable or filter an error instead of a silent blank in someone's inbox.
 */
function engine(outputEscape?: 'escape'): Liquid {
  const liquid = new Liquid({
    // Templates are user input: no file system either (the file tags are refused below).
    relativeReference: false,
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    renderLimit: TEMPLATE_LIMITS.renderMs,
    memoryLimit: TEMPLATE_LIMITS.memoryUnits,
    outputEscape,
  });
  for (const tag of FILE_TAGS) liquid.registerTag(tag, FileTagRefused);
  return liquid;
}

/** Subject and text parts: output as is. */
const plain = engine();
/** The HTML part: every {{ output }} is HTML-escaped unless its last filter is `raw`. */
const escaping = engine('escape');

/** The engine for a part of a message. */
export const engineFor = (part: MessagePart) => (part === 'html' ? escaping : plain);
