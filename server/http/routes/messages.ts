import { createRoute } from '@hono/zod-openapi';
import { createAuthedRouter } from '../router.js';
import type { AuthUser } from '../../security/session.js';
import { ApiError } from '../errors.js';
import { errorResponses, IdParams, json, jsonBody, OkSchema, pageOf } from '../openapi.js';
import { resolveOwner } from '../owned.js';
import { loadOwned, ownership } from '../../security/owned.js';
import type { Em } from '../../db/orm.js';
import { MessageSchema as MessageEntity, type Message } from '../../db/entities/message.entity.js';
import type { Signature } from '../../db/entities/signature.entity.js';
import { messageRepository } from '../../db/repositories/message.repository.js';
import { attachmentRepository } from '../../db/repositories/attachment.repository.js';
import { filesOf, removeUnused } from './message-attachments.js';
import { retryOnDeadlock } from '../../db/repositories/retry.js';
import { listOwned } from '../../db/repositories/ownership.repository.js';
import { settingsRepository } from '../../db/repositories/settings.repository.js';
import { canSee, departmentScope } from '../../domain/visibility.js';
import type { RecipientType } from '../../domain/recipient-types.js';
import { SAMPLE_RECIPIENTS, unknownVariables, variablesFor } from '../../domain/template-variables.js';
import { TemplateError, type MessageContent } from '../../mail/render.js';
import { analyseMessage, renderMessage } from '../../mail/render-pool.js';
import { sanitizeTemplateHtml } from '../../mail/sanitize.js';
import { inlineImagesForPreview } from '../../mail/inline-images.js';
import * as S from '../schemas/messages.js';

const tags = ['messages'];
const LABEL = 'Message';

const contentOf = (m: Message): MessageContent => ({ subject: m.subject, html: m.html, text: m.text ?? null });

/**
 * A message stored before a template rule was tightened may no longer parse: it lists no
 * variables (its error shows when it is previewed, saved or sent) instead of failing the list.
 */
async function variablesOf(m: Message): Promise<string[]> {
  try {
    return await analyseMessage(contentOf(m));
  } catch (err) {
    if (err instanceof TemplateError) return [];
    throw err;
  }
}

export const toMessageDto = async (m: Message): Promise<S.MessageDto> => ({
  id: m.id,
  name: m.name,
  subject: m.subject,
  html: m.html,
  text: m.text ?? null,
  signatureId: m.signature?.id ?? null,
  ownerId: m.owner.id,
  ownerName: m.owner.getEntity().name,
  departmentId: m.department.id,
  variables: await variablesOf(m),
  createdAt: m.createdAt.toISOString(),
  updatedAt: m.updatedAt.toISOString(),
});

/** A template problem is the author's to fix: 400 with the part, line and column. */
function rethrowTemplateError(err: unknown): never {
  if (err instanceof TemplateError) throw new ApiError('bad_request', { reason: 'template_invalid', params: { problem: err.problem } });
  throw err;
}

/** The HTML sanitised, liquid tags kept (what a string literal in them builds is cleaned when sent). */
const sanitised = (content: MessageContent): MessageContent => ({ ...content, html: sanitizeTemplateHtml(content.html) });

/**
 * Content fit to save: sanitised, its three parts parse (file tags refused), and rendered once
 * for a sample contact so that a template that breaks a render limit (a loop over a huge range, a
 * string doubled into hundreds of MB) is refused now rather than when a mailing sends it. Other
 * render errors may depend on the recipient's data, so they show in the preview and at send time.
 */
async function savableContent(content: MessageContent): Promise<MessageContent> {
  const clean = sanitised(content);
  const type: RecipientType = 'contact';
  const variables = variablesFor(type, SAMPLE_RECIPIENTS[type], { unsubscribeUrl: 'https://example.invalid/u/preview', senderName: 'Sample' });
  try {
    const unknown = unknownVariables(await analyseMessage(clean), type);
    await renderMessage({ content: { ...clean, signature: null }, variables, unknown }, { whenFull: 'refuse' }).catch((err: unknown) => {
      if (!(err instanceof TemplateError) || err.limit) throw err;
    });
  } catch (err) {
    rethrowTemplateError(err);
  }
  return clean;
}

/** A message may only carry one of its owner's own signatures. */
async function ownersSignature(em: Em, ownerId: number, signatureId: number | null): Promise<Signature | null> {
  if (signatureId === null) return null;
  const signature = await messageRepository.signatureById(em, signatureId);
  if (!signature || signature.owner.id !== ownerId) throw new ApiError('precondition', { reason: 'signature_not_owners', params: { id: signatureId } }, { field: 'signatureId' });
  return signature;
}

/** Renders for a made-up recipient of `type`; variables that type lacks show as `[[unknown: x]]` and are listed. */
async function renderPreview(em: Em, publicUrl: string, content: MessageContent, signature: Signature | null, type: RecipientType, senderName: string): Promise<S.PreviewDto> {
  const settings = await settingsRepository.get(em, publicUrl);
  const variables = variablesFor(type, SAMPLE_RECIPIENTS[type], { unsubscribeUrl: `${settings.publicBaseUrl}/u/preview`, senderName });
  try {
    // A saved message is parsed here for the first time since it was stored.
    const unknown = unknownVariables(await analyseMessage(content), type);
    // Its HTML passes the sanitiser, as every send's does.
    const rendered = await renderMessage({ content: { ...content, signature: signature && { format: signature.format, body: signature.body } }, variables, unknown }, { whenFull: 'refuse' });
    return { ...rendered, unknownVariables: unknown };
  } catch (err) {
    rethrowTemplateError(err);
  }
}

/** The preview with the message's inline images shown in place. */
async function withInlineImages(em: Em, dataDir: string, messageId: number, preview: S.PreviewDto): Promise<S.PreviewDto> {
  const files = filesOf(dataDir);
  const images = (await attachmentRepository.ofMessage(em, messageId)).flatMap((a) => (a.contentId ? [{ contentId: a.contentId, contentType: a.contentType, path: files.pathOf(a.sha256) }] : []));
  return { ...preview, html: await inlineImagesForPreview(preview.html, images) };
}

async function visibleSignature(em: Em, actor: AuthUser, signatureId: number | null): Promise<Signature | null> {
  if (signatureId === null) return null;
  const signature = await messageRepository.signatureById(em, signatureId);
  if (!signature || !canSee(actor, ownership(signature))) throw new ApiError('precondition', { reason: 'signature_unknown', params: { id: signatureId } }, { field: 'signatureId' });
  return signature;
}

const list = createRoute({
  method: 'get', path: '/', tags, summary: 'Messages visible to you',
  request: { query: S.MessageListQuery },
  responses: { 200: json(pageOf(S.MessageSchema), 'One page'), ...errorResponses },
});
const get = createRoute({
  method: 'get', path: '/{id}', tags, summary: 'One message',
  request: { params: IdParams },
  responses: { 200: json(S.MessageSchema, LABEL), ...errorResponses },
});
const create = createRoute({
  method: 'post', path: '/', tags, summary: 'Create a message (yours; admins may name another owner)',
  request: { body: jsonBody(S.MessageInput) },
  responses: { 201: json(S.MessageSchema, 'Created'), ...errorResponses },
});
const update = createRoute({
  method: 'patch', path: '/{id}', tags, summary: 'Change a message you own (admins: any)',
  request: { params: IdParams, body: jsonBody(S.MessagePatch) },
  responses: { 200: json(S.MessageSchema, 'Changed'), ...errorResponses },
});
const remove = createRoute({
  method: 'delete', path: '/{id}', tags, summary: 'Delete a message you own (admins: any)',
  request: { params: IdParams },
  responses: { 200: json(OkSchema, 'Deleted'), ...errorResponses },
});
const copy = createRoute({
  method: 'post', path: '/{id}/copy', tags, summary: 'Copy a message you can see: the copy is yours, with your default signature and the same files',
  request: { params: IdParams },
  responses: { 201: json(S.MessageSchema, 'Copied'), ...errorResponses },
});
const previewDraft = createRoute({
  method: 'post', path: '/preview', tags, summary: 'Render unsaved content for a sample recipient',
  request: { body: jsonBody(S.PreviewInput) },
  responses: { 200: json(S.PreviewSchema, 'Rendered'), ...errorResponses },
});
const previewSaved = createRoute({
  method: 'get', path: '/{id}/preview', tags, summary: 'Render a saved message for a sample recipient',
  request: { params: IdParams, query: S.PreviewQuery },
  responses: { 200: json(S.PreviewSchema, 'Rendered'), ...errorResponses },
});

export function messageRoutes() {
  return createAuthedRouter()
    .openapi(list, async (c) => {
      const { q, sort, dir, page, pageSize, ownerId } = c.req.valid('query');
      const { items, total } = await listOwned<Message>(c.var.em, MessageEntity, ['name', 'subject'], { q, ownerId }, departmentScope(c.var.user), { sort, dir, page, pageSize });
      return c.json({ items: await Promise.all(items.map(toMessageDto)), total, page, pageSize }, 200);
    })
    .openapi(get, async (c) => c.json(await toMessageDto(await loadOwned(c.var.em, c.var.user, 'message', c.req.valid('param').id, 'see')), 200))
    .openapi(create, async (c) => {
      const { em } = c.var;
      const { ownerId, name, signatureId, ...content } = c.req.valid('json');
      const owner = await resolveOwner(em, c.var.user, ownerId);
      // Everything is checked before the entity exists, so a refused request saves nothing.
      const clean = await savableContent(content);
      const signature = await ownersSignature(em, owner.id, signatureId);
      const message = em.create(MessageEntity, { name, ...clean, signature, owner, department: owner.department! });
      await em.flush();
      return c.json(await toMessageDto(message), 201);
    })
    .openapi(update, async (c) => {
      const { em } = c.var;
      const message = await loadOwned(em, c.var.user, 'message', c.req.valid('param').id, 'change');
      const { name, signatureId, ...changes } = c.req.valid('json');
      // Everything is checked before the entity changes, so a refused request saves nothing.
      const clean = await savableContent({ ...contentOf(message), ...changes });
      const signature = signatureId === undefined ? message.signature : await ownersSignature(em, message.owner.id, signatureId);
      em.assign(message, { ...(name === undefined ? {} : { name }), ...clean, signature });
      await em.flush();
      return c.json(await toMessageDto(message), 200);
    })
    .openapi(remove, async (c) => {
      const { em, services } = c.var;
      const message = await loadOwned(em, c.var.user, 'message', c.req.valid('param').id, 'change');
      // Its files' rows go with it (ON DELETE CASCADE); bytes no other message shares go too. The
      // hashes are read under the lock uploads take, so a file committed meanwhile is among them.
      const hashes = await retryOnDeadlock(() =>
        em.fork().transactional(async (tx) => {
          await attachmentRepository.lockMessage(tx, message.id);
          const taken = await attachmentRepository.hashesOf(tx, message.id);
          await tx.nativeDelete(MessageEntity, { id: message.id });
          return taken;
        }),
      );
      await removeUnused(em, filesOf(services.config.dataDir), hashes);
      return c.json({ ok: true as const }, 200);
    })
    .openapi(copy, async (c) => {
      const { em } = c.var;
      const actor = c.var.user;
      const original = await loadOwned(em, actor, 'message', c.req.valid('param').id, 'see');
      // The copy is the copier's, in their department, signed with their default signature.
      const owner = await resolveOwner(em, actor, undefined);
      const signature = await messageRepository.defaultSignatureOf(em, owner.id);
      const name = `${original.name} (copy)`.slice(0, 200);
      const message = em.create(MessageEntity, { name, ...contentOf(original), signature, owner, department: owner.department! });
      await em.flush();
      await attachmentRepository.copyAll(em, original, message);
      await em.flush();
      return c.json(await toMessageDto(message), 201);
    })
    .openapi(previewDraft, async (c) => {
      const { em, services } = c.var;
      const actor = c.var.user;
      const { recipientType, signatureId, messageId, ...content } = c.req.valid('json');
      const saved = messageId === undefined ? null : await loadOwned(em, actor, 'message', messageId, 'see');
      const clean = sanitised(content);
      const signature = await visibleSignature(em, actor, signatureId);
      const preview = await renderPreview(em, services.config.publicUrl, clean, signature, recipientType, actor.name);
      return c.json(saved ? await withInlineImages(em, services.config.dataDir, saved.id, preview) : preview, 200);
    })
    .openapi(previewSaved, async (c) => {
      const { em, services } = c.var;
      const message = await loadOwned(em, c.var.user, 'message', c.req.valid('param').id, 'see');
      const signature = message.signature?.getEntity() ?? null;
      const type = c.req.valid('query').recipientType;
      const preview = await renderPreview(em, services.config.publicUrl, contentOf(message), signature, type, message.owner.getEntity().name);
      return c.json(await withInlineImages(em, services.config.dataDir, message.id, preview), 200);
    });
}
