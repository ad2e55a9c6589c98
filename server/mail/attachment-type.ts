import { readFile } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import type { Refusal } from '../domain/refusals.js';

/**
 * What a file is, judged by its bytes (file-type's magic numbers), and whether a message may
 * carry it. The client's stated type and the name's extension must agree with the bytes, so an
 * executable named `offer.pdf` or sent as `image/png` is refused.
 */

/** The types a message may carry, with the extensions a name may have for each. */
const ALLOWED: Record<string, string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
  'application/zip': ['zip'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'application/vnd.oasis.opendocument.text': ['odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['ods'],
  // No magic number: accepted as text only when the bytes are UTF-8 without NULs.
  'text/plain': ['txt'],
  'text/csv': ['csv'],
};

/** Images every mail client shows inline. */
export const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif']);

/** Stated types that say nothing, so only the bytes and the name count. */
const UNSTATED = new Set(['', 'application/octet-stream']);

export type TypeCheck = { ok: true; contentType: string } | { ok: false; refusal: Refusal };

async function isText(path: string): Promise<boolean> {
  const bytes = await readFile(path);
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The file's real type when it is allowed and agrees with the stated type and the extension. */
export async function checkFileType(path: string, statedType: string, extension: string): Promise<TypeCheck> {
  const sniffed = (await fileTypeFromFile(path))?.mime
    ?? (await isText(path) ? (extension === 'csv' ? 'text/csv' : 'text/plain') : 'application/octet-stream');
  const extensions = ALLOWED[sniffed];
  if (!extensions) return { ok: false, refusal: { reason: 'file_type_refused', params: { type: sniffed, allowed: Object.values(ALLOWED).flat() } } };
  const stated = statedType.split(';')[0].trim().toLowerCase();
  if (!UNSTATED.has(stated) && stated !== sniffed) return { ok: false, refusal: { reason: 'file_type_misstated', params: { type: sniffed, stated } } };
  if (!extensions.includes(extension)) return { ok: false, refusal: { reason: 'file_extension_mismatch', params: { type: sniffed, extension, expected: [...extensions] } } };
  return { ok: true, contentType: sniffed };
}
