import { contentIdsIn, ENCODED_SIZE_WARNING_BYTES, PROVIDER_LIMIT_BYTES } from './attachments.js';
import type { PreflightWarning } from './mailing-notes.js';

/**
 * What a message's files warn of, as the attachments panel and the pre-flight both say it: a
 * message heavy enough that providers may refuse it, and `cid:` images the HTML shows but the
 * message has no inline image for.
 */
export function fileWarnings(encodedSize: number, html: string, files: { contentId?: string | null }[]): PreflightWarning[] {
  const warnings: PreflightWarning[] = [];
  if (encodedSize >= ENCODED_SIZE_WARNING_BYTES) warnings.push({ code: 'heavy', size: encodedSize, limit: PROVIDER_LIMIT_BYTES });
  const inline = new Set(files.flatMap((f) => (f.contentId ? [f.contentId] : [])));
  const missing = contentIdsIn(html).filter((cid) => !inline.has(cid));
  if (missing.length) warnings.push({ code: 'missing_inline', cids: missing });
  return warnings;
}
