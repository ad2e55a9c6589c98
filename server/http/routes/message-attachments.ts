import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createRoute, z } from '@hono/zod-openapi';
import { createAuthedRouter } from '../router.js';
import { ApiError } from '../errors.js';
import { errorResponses, IdParams, json, OkSchema } from '../openapi.js';
import { loadOwned } from '../../security/owned.js';
import type { Em } from '../../db/orm.js';
import { MessageSchema, type Message } from '../../db/entities/message.entity.js';
import { MessageAttachmentSchema, type MessageAttachment } from '../../db/entities/message-attachment.entity.js';
import { attachmentRepository } from '../../db/repositories/attachment.repository.js';
import { retryOnDeadlock } from '../../db/repositories/retry.js';
import { AttachmentFiles, attachmentsDirOf, FileTooLarge } from '../../db/attachment-files.js';
import { checkFileType, INLINE_TYPES } from '../../mail/attachment-type.js';
import {
  ENCODED_SIZE_WARNING_BYTES, encodedMessageSize, extensionOf, fileTooLarge, MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_TOTAL_BYTES, PROVIDER_LIMIT_BYTES, sanitizeFilename, totalProblem,
} from '../../domain/attachments.js';
import { fileWarnings } from '../../domain/file-warnings.js';
import * as S from '../schemas/message-attachments.js';

const tags = ['messages'];

const toDto = (a: MessageAttachment): S.AttachmentDto => ({
  id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, contentId: a.contentId ?? null, createdAt: a.createdAt.toISOString(),
});

/** A message's files with what they add up to once encoded, and what the author should know about it. */
export async function attachmentList(em: Em, message: Message): Promise<S.AttachmentListDto> {
  const items = await attachmentRepository.ofMessage(em, message.id);
  const encodedSize = encodedMessageSize({ html: message.html, text: message.text ?? null }, items.map((a) => a.size));
  return {
    items: items.map(toDto), totalSize: items.reduce((sum, a) => sum + a.size, 0), encodedSize,
    limits: { perFile: MAX_ATTACHMENT_BYTES, perMessage: MAX_ATTACHMENTS_TOTAL_BYTES, provider: PROVIDER_LIMIT_BYTES, warnFrom: ENCODED_SIZE_WARNING_BYTES },
    warnings: fileWarnings(encodedSize, message.html, items),
  };
}

/** A content ID made of the file's name, unique within the message: the author writes `<img src="cid:logo.png">`. */
function contentIdFor(filename: string, taken: Set<string>): string {
  const base = filename.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 90) || 'image';
  let cid = base;
  for (let n = 2; taken.has(cid); n++) cid = `${n}-${base}`;
  return cid;
}

export const filesOf = (dataDir: string) => new AttachmentFiles(attachmentsDirOf(dataDir));

/** Removes the bytes of these hashes that no message carries any more. */
export async function removeUnused(em: Em, files: AttachmentFiles, hashes: string[]): Promise<void> {
  for (const sha of hashes) if (!(await attachmentRepository.inUse(em, sha))) await files.remove(sha);
}

const list = createRoute({
  method: 'get', path: '/{id}/attachments', tags, summary: "A message's files, their encoded size and warnings",
  request: { params: IdParams },
  responses: { 200: json(S.AttachmentListSchema, 'The files'), ...errorResponses },
});
const upload = createRoute({
  method: 'post', path: '/{id}/attachments', tags,
  summary: 'Attach a file (the body is the file itself; its type is sniffed from the bytes and must match the stated type and the name)',
  request: {
    params: IdParams, query: S.UploadQuery,
    body: { content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } }, required: true },
  },
  responses: { 201: json(S.AttachmentSchema, 'Attached'), ...errorResponses },
});
const content = createRoute({
  method: 'get', path: '/{id}/attachments/{attachmentId}/content', tags, summary: "A file's bytes",
  request: { params: S.AttachmentParams },
  responses: { 200: { description: 'The file', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses },
});
const remove = createRoute({
  method: 'delete', path: '/{id}/attachments/{attachmentId}', tags, summary: 'Remove a file from a message you may change',
  request: { params: S.AttachmentParams },
  responses: { 200: json(OkSchema, 'Removed'), ...errorResponses },
});

export function messageAttachmentRoutes() {
  return createAuthedRouter()
    .openapi(list, async (c) => {
      const message = await loadOwned(c.var.em, c.var.user, 'message', c.req.valid('param').id, 'see');
      return c.json(await attachmentList(c.var.em, message), 200);
    })
    .openapi(upload, async (c) => {
      const { em, services } = c.var;
      const message = await loadOwned(em, c.var.user, 'message', c.req.valid('param').id, 'change');
      const query = c.req.valid('query');
      const filename = sanitizeFilename(query.filename);
      if (!filename) throw new ApiError('invalid_input', { reason: 'file_name_invalid', params: {} }, { field: 'filename' });
      const stated = Number(c.req.header('content-length') ?? 0);
      // Refused before a byte is read when the client says how much is coming.
      if (stated > MAX_ATTACHMENT_BYTES) throw new ApiError('payload_too_large', fileTooLarge, { field: 'file' });
      const body = c.req.raw.body;
      if (!body) throw new ApiError('invalid_input', { reason: 'file_empty', params: {} }, { field: 'file' });
      const files = filesOf(services.config.dataDir);
      const received = await files.receive(body, MAX_ATTACHMENT_BYTES).catch((err: unknown) => {
        if (err instanceof FileTooLarge) throw new ApiError('payload_too_large', fileTooLarge, { field: 'file' });
        throw err;
      });
      try {
        if (received.size === 0) throw new ApiError('invalid_input', { reason: 'file_empty', params: {} }, { field: 'file' });
        const type = await checkFileType(received.tmpPath, c.req.header('content-type') ?? '', extensionOf(filename));
        if (!type.ok) throw new ApiError('invalid_input', type.refusal, { field: 'file' });
        if (query.inline && !INLINE_TYPES.has(type.contentType)) throw new ApiError('invalid_input', { reason: 'inline_type', params: { type: type.contentType } }, { field: 'file' });
        // Decided under a lock on the message's row: uploads to one message take turns, so the
        // total holds however they interleave, and one whose message was deleted finds it gone.
        const attachment = await retryOnDeadlock(() =>
          em.fork().transactional(async (tx) => {
            if (!(await attachmentRepository.lockMessage(tx, message.id))) throw new ApiError('not_found', { reason: 'message_unknown', params: { id: message.id } });
            const existing = await attachmentRepository.ofMessage(tx, message.id);
            // The same bytes twice would go out twice in every send.
            const same = existing.find((a) => a.sha256 === received.sha256);
            if (same) throw new ApiError('conflict', { reason: 'file_already_attached', params: { filename: same.filename } }, { field: 'file' });
            const tooMuch = totalProblem(existing.map((a) => a.size), received.size);
            if (tooMuch) throw new ApiError('payload_too_large', tooMuch, { field: 'file' });
            const contentId = query.inline ? contentIdFor(filename, new Set(existing.flatMap((a) => (a.contentId ? [a.contentId] : [])))) : null;
            return tx.create(MessageAttachmentSchema, { message: tx.getReference(MessageSchema, message.id), filename, contentType: type.contentType, size: received.size, sha256: received.sha256, contentId });
          }),
        );
        // Moved in once the row is committed: removing another message's files keeps bytes a row names.
        await files.keep(received).catch(async (err: unknown) => {
          await em.fork().nativeDelete(MessageAttachmentSchema, { id: attachment.id });
          throw err;
        });
        return c.json(toDto(attachment), 201);
      } catch (err) {
        await files.discard(received);
        throw err;
      }
    })
    .openapi(content, async (c) => {
      const { em, services } = c.var;
      const { id, attachmentId } = c.req.valid('param');
      await loadOwned(em, c.var.user, 'message', id, 'see');
      const attachment = await attachmentRepository.one(em, id, attachmentId);
      if (!attachment) throw new ApiError('not_found', { reason: 'attachment_unknown', params: { id: attachmentId } });
      const stream = Readable.toWeb(createReadStream(filesOf(services.config.dataDir).pathOf(attachment.sha256))) as ReadableStream;
      // Shown by the browser only when it is an image; anything else downloads, so no upload runs as a page of this site.
      const disposition = INLINE_TYPES.has(attachment.contentType) ? 'inline' : 'attachment';
      return c.body(stream, 200, {
        'content-type': attachment.contentType,
        'content-length': String(attachment.size),
        'content-disposition': `${disposition}; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
      });
    })
    .openapi(remove, async (c) => {
      const { em, services } = c.var;
      const { id, attachmentId } = c.req.valid('param');
      await loadOwned(em, c.var.user, 'message', id, 'change');
      const attachment = await attachmentRepository.one(em, id, attachmentId);
      if (!attachment) throw new ApiError('not_found', { reason: 'attachment_unknown', params: { id: attachmentId } });
      await em.remove(attachment).flush();
      await removeUnused(em, filesOf(services.config.dataDir), [attachment.sha256]);
      return c.json({ ok: true as const }, 200);
    });
}
