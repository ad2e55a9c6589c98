import sanitizeHtml from 'sanitize-html';
import { cutAt } from './clean-text.js';

/**
 * The text of a stranger's HTML, for an excerpt. server/mail/html-to-text.ts is made for
 * Mailroom's own templates: its link and head patterns backtrack without bound on hostile markup
 * (4 KB of `<a href="` takes seconds), so this reads the HTML with sanitize-html's parser, which
 * is linear, keeps only the tags that break lines, and drops quoted messages (`<blockquote>`).
 */

const MAX_HTML = 256 * 1024; // an excerpt needs the start of the message; the rest is quotes and markup
const LINE_BREAKING = ['br', 'p', 'div', 'li', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre'];
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

export function htmlText(html: string): string {
  const kept = sanitizeHtml(cutAt(html, MAX_HTML), {
    allowedTags: LINE_BREAKING,
    allowedAttributes: {},
    nonTextTags: ['script', 'style', 'title', 'head', 'textarea', 'option', 'noscript', 'blockquote'],
  });
  // Only bare tags are left (no attributes), and a `<` of the text is escaped, so these patterns
  // see each character once.
  return kept
    .replace(/<\/?[a-z0-9]{1,10} ?\/?>/g, '\n')
    .replace(/&(?:amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m])
    .replace(/\u00a0/g, ' ');
}
