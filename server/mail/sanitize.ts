import { randomBytes } from 'node:crypto';
import sanitizeHtml, { type IOptions } from 'sanitize-html';

/**
 * Whether an inline style is free of CSS that can run or load script: a url() to anything but
 * http(s) or an inline image (e.g. `url(javascript:…)`), IE's expression() and behavior, Mozilla's
 * -moz-binding. Styles with escapes or comments are refused too, since those can spell any of these.
 */
function safeStyle(style: string): boolean {
  if (/\\|\/\*|expression\s*\(|behavior\s*:|-moz-binding|javascript:|vbscript:/i.test(style)) return false;
  return [...style.matchAll(/url\s*\(\s*['"]?([^'")]*)/gi)].every(([, address]) => /^(https?:|data:image\/)/i.test(address.trim()));
}

/**
 * What user-written HTML (signatures, message templates) may contain: the formatting e-mail
 * clients understand, links, images and inline styles; no scripts, frames, forms or event handlers.
 */
const OPTIONS: IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'center', 'font'],
  allowedAttributes: {
    '*': ['style', 'class', 'title', 'dir', 'align', 'valign', 'width', 'height', 'bgcolor', 'border', 'cellpadding', 'cellspacing', 'colspan', 'rowspan'],
    a: ['href', 'name', 'target', 'rel'],
    img: ['src', 'alt'],
    font: ['face', 'size', 'color'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  // `cid:` shows one of the message's own inline images (RFC 2392).
  allowedSchemesByTag: { img: ['http', 'https', 'data', 'cid'] },
  allowProtocolRelative: false,
  // Content of these is dropped with the tag, so a pasted <head><title> does not leak into the body.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title'],
  // An unsafe inline style is dropped whole: a half-kept declaration could mean something else.
  transformTags: {
    '*': (tagName, attribs) => {
      if (attribs.style === undefined || safeStyle(attribs.style)) return { tagName, attribs };
      const { style: _unsafe, ...rest } = attribs;
      return { tagName, attribs: rest };
    },
  },
};

export function sanitizeContentHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}

const LIQUID = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;

/**
 * Sanitises a liquid template without touching its `{{ }}` / `{% %}` tags: each tag is swapped
 * for an inert alphanumeric token first (so neither the parser nor the URL check sees its quotes
 * or braces, e.g. in `href="{{ unsubscribe_url }}"`) and put back afterwards.
 */
export function sanitizeTemplateHtml(html: string): string {
  const nonce = randomBytes(6).toString('hex');
  const tags: string[] = [];
  const masked = html.replace(LIQUID, (tag) => `lq${nonce}x${tags.push(tag) - 1}x`);
  const clean = sanitizeHtml(masked, OPTIONS);
  return clean.replace(new RegExp(`lq${nonce}x(\\d+)x`, 'g'), (_, i: string) => tags[Number(i)]);
}
