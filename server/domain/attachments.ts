/**
 * The rules for files a message carries: how large they may be, what their names may hold and
 * how large the message gets once encoded. Pure; the upload route and the pre-flight apply them.
 */

const MB = 1024 * 1024;

/**
 * Providers refuse a message of more than about 25 MB as it travels (Gmail, Microsoft 365), and
 * base64 turns 3 bytes into 4 characters plus a CRLF every 76, so 25 MB on the wire holds about
 * 18 MB of files. A message keeps 2 MB of that for its HTML, text and headers.
 */
export const PROVIDER_LIMIT_BYTES = 25 * MB;
export const MAX_ATTACHMENT_BYTES = 10 * MB;
export const MAX_ATTACHMENTS_TOTAL_BYTES = 16 * MB;
export const MAX_ATTACHMENTS_PER_MESSAGE = 20;
/** Pre-flight warns from here: a few more MB of images or HTML would cross the providers' limit. */
export const ENCODED_SIZE_WARNING_BYTES = 15 * MB;

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

export const formatMb = (bytes: number) => `${(bytes / MB).toFixed(1).replace(/\.0$/, '')} MB`;

/** The size of `bytes` once base64-encoded in 76-character lines. */
export function base64Size(bytes: number): number {
  const chars = Math.ceil(bytes / 3) * 4;
  return chars + Math.ceil(chars / 76) * 2;
}

/**
 * About what one recipient's message weighs on the wire: the HTML and text parts (quoted-printable
 * or base64, taken at base64's rate as the worse), each file in base64, and 2 kB of headers per part.
 */
export function encodedMessageSize(parts: { html: string; text: string | null }, fileSizes: number[]): number {
  const body = base64Size(utf8Length(parts.html)) + base64Size(utf8Length(parts.text ?? parts.html));
  return body + fileSizes.reduce((sum, size) => sum + base64Size(size) + 2048, 0) + 4096;
}

/** Why the total would break the per-message limit (a refusal of server/domain/refusals.ts), or null when it fits. */
export function totalProblem(existing: number[], added: number) {
  if (existing.length >= MAX_ATTACHMENTS_PER_MESSAGE) return { reason: 'files_too_many' as const, params: { max: MAX_ATTACHMENTS_PER_MESSAGE } };
  const total = existing.reduce((a, b) => a + b, 0) + added;
  if (total <= MAX_ATTACHMENTS_TOTAL_BYTES) return null;
  return { reason: 'files_too_large' as const, params: { total, limit: MAX_ATTACHMENTS_TOTAL_BYTES, provider: PROVIDER_LIMIT_BYTES } };
}

/** The refusal of a file over the per-file limit (server/domain/refusals.ts). */
export const fileTooLarge = { reason: 'file_too_large' as const, params: { limit: MAX_ATTACHMENT_BYTES, provider: PROVIDER_LIMIT_BYTES } };

const MAX_NAME = 120;

/**
 * A file name fit for a MIME header and for anyone's disk: without characters Windows refuses,
 * leading dots or trailing dots and spaces, at most 120 characters with the extension kept. Null
 * for a name that holds a path (a browser sends the bare name, so a path is a trick) or nothing
 * once cleaned.
 */
export function sanitizeFilename(raw: string): string | null {
  if (/[/\\\u0000-\u001f\u007f-\u009f]/.test(raw)) return null;
  const clean = raw.normalize('NFC')
    .replace(/[<>:"|?*]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  if (!clean) return null;
  if ([...clean].length <= MAX_NAME) return clean;
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
  return [...clean.slice(0, clean.length - ext.length)].slice(0, MAX_NAME - ext.length).join('') + ext;
}

/** The extension of a sanitised name, lower-case without the dot ('' when none). */
export const extensionOf = (name: string) => (name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '');

/** `cid:` references in an HTML template, so the editor can say which inline images are unused or missing. */
export function contentIdsIn(html: string): string[] {
  return [...new Set([...html.matchAll(/\bsrc\s*=\s*["']?cid:([^"'\s>]+)/gi)].map((m) => m[1]))];
}
