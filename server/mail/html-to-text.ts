import sanitizeHtml from 'sanitize-html';

/**
 * The text of an HTML e-mail: blocks become lines, links keep their address. Templates, signatures
 * and strangers' mail all pass through it, so it reads the HTML with sanitize-html's parser (linear
 * on any input) and works only on what that leaves: bare tags and quoted attributes, which the
 * patterns below read each character of once. (Patterns over the raw HTML backtracked without
 * bound: 4 KB of `<a href="` took 30 seconds.)
 */

const BLOCKS = ['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'tr', 'ul', 'ol', 'blockquote', 'pre', 'center'];
const NON_TEXT = ['script', 'style', 'title', 'head', 'textarea', 'option', 'noscript'];
const TEXT_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const decode = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (m) => TEXT_ENTITIES[m]);

/** `quotes: 'drop'` leaves out quoted messages (`<blockquote>`), for a reply's own words. */
export function htmlToText(html: string, opts: { quotes?: 'keep' | 'drop' } = {}): string {
  const drop = opts.quotes === 'drop';
  // A tag's content is dropped only when the tag itself is not allowed.
  const kept = sanitizeHtml(html, {
    allowedTags: ['a', 'br', 'li', 'hr', ...BLOCKS.filter((t) => !(drop && t === 'blockquote'))],
    allowedAttributes: { a: ['href'] },
    nonTextTags: drop ? [...NON_TEXT, 'blockquote'] : NON_TEXT,
  });
  const text = kept
    .replace(/<a href="([^"]*)">([^<]*)<\/a>/g, (_, href: string, label: string) => {
      const [url, words] = [decode(href), label.trim()];
      return !words || decode(words) === url ? url : `${label} (${url})`;
    })
    .replace(/<br ?\/?>/g, '\n')
    .replace(/<li>/g, '\n- ')
    .replace(/<\/(?:p|div|h[1-6]|table|tr|ul|ol|blockquote|pre|center)>/g, '\n\n')
    .replace(/<hr ?\/?>/g, '\n----\n')
    .replace(/<[^>]*>/g, '');
  return decode(text)
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Text made safe to put into HTML, in an element or a quoted attribute. */
export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Plain text as HTML paragraphs: blank lines separate paragraphs, single newlines become <br>. */
export function textToHtml(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((para) => `<p>${escapeHtml(para.trim()).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}
