import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { attachmentsDirOf } from '../../server/db/attachment-files.js';
import type { Client, TestApp } from './test-app.js';

// A real 1×1 PNG and a small real PDF: the server judges files by these bytes, not by their names.
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
export const pdf = (size = 2000) => {
  const head = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n');
  const tail = Buffer.from('\n%%EOF\n');
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length - tail.length), 0x20), tail]);
};
export const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Attaches `bytes` (or a stream of them) to a message through the API. */
export const upload = (client: Client, messageId: number, filename: string, bytes: Buffer | ReadableStream<Uint8Array>, opts: { type?: string; inline?: boolean } = {}) =>
  client.post(`/api/messages/${messageId}/attachments?filename=${encodeURIComponent(filename)}${opts.inline ? '&inline=true' : ''}`, bytes, opts.type ? { 'content-type': opts.type } : {});

/** What is on disk: stored files by hash and uploads not yet kept. */
export const filesOnDisk = (t: TestApp) => {
  const dir = attachmentsDirOf(t.services.config.dataDir);
  const list = (d: string) => {
    try {
      return readdirSync(d).filter((f) => f !== 'tmp');
    } catch {
      return [];
    }
  };
  return { stored: list(dir).sort(), pending: list(`${dir}/tmp`) };
};
