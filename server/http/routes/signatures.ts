import { createRoute } from '@hono/zod-openapi';
import { createAuthedRouter } from '../router.js';
import { errorResponses, IdParams, json, jsonBody, OkSchema, pageOf } from '../openapi.js';
import { resolveOwner } from '../owned.js';
import { loadOwned } from '../../security/owned.js';
import type { Em } from '../../db/orm.js';
import { SignatureSchema as SignatureEntity, type Signature } from '../../db/entities/signature.entity.js';
import { listOwned } from '../../db/repositories/ownership.repository.js';
import { messageRepository } from '../../db/repositories/message.repository.js';
import { departmentScope } from '../../domain/visibility.js';
import type { ContentFormat } from '../../domain/content.js';
import { sanitizeContentHtml } from '../../mail/sanitize.js';
import * as S from '../schemas/signatures.js';

const tags = ['signatures'];
const LABEL = 'Signature';

export const toSignatureDto = (s: Signature): S.SignatureDto => ({
  id: s.id,
  name: s.name,
  format: s.format,
  body: s.body,
  isDefault: s.isDefault,
  ownerId: s.owner.id,
  ownerName: s.owner.getEntity().name,
  departmentId: s.department.id,
  createdAt: s.createdAt.toISOString(),
});

/** HTML is stored sanitised; plain text is stored as written (it is escaped wherever it becomes HTML). */
const cleanBody = (format: ContentFormat, body: string) => (format === 'html' ? sanitizeContentHtml(body) : body);

/** An owner has at most one default signature: making one default clears the others. */
async function clearOtherDefaults(em: Em, signature: Signature) {
  await messageRepository.clearOtherDefaults(em, signature);
}

const list = createRoute({
  method: 'get', path: '/', tags, summary: 'Signatures visible to you',
  request: { query: S.SignatureListQuery },
  responses: { 200: json(pageOf(S.SignatureSchema), 'One page'), ...errorResponses },
});
const get = createRoute({
  method: 'get', path: '/{id}', tags, summary: 'One signature',
  request: { params: IdParams },
  responses: { 200: json(S.SignatureSchema, LABEL), ...errorResponses },
});
const create = createRoute({
  method: 'post', path: '/', tags, summary: 'Create a signature (yours; admins may name another owner)',
  request: { body: jsonBody(S.SignatureInput) },
  responses: { 201: json(S.SignatureSchema, 'Created'), ...errorResponses },
});
const update = createRoute({
  method: 'patch', path: '/{id}', tags, summary: 'Change a signature you own (admins: any)',
  request: { params: IdParams, body: jsonBody(S.SignaturePatch) },
  responses: { 200: json(S.SignatureSchema, 'Changed'), ...errorResponses },
});
const remove = createRoute({
  method: 'delete', path: '/{id}', tags, summary: 'Delete a signature you own (admins: any); messages using it lose it',
  request: { params: IdParams },
  responses: { 200: json(OkSchema, 'Deleted'), ...errorResponses },
});

export function signatureRoutes() {
  return createAuthedRouter()
    .openapi(list, async (c) => {
      const { q, sort, dir, page, pageSize, ownerId } = c.req.valid('query');
      const { items, total } = await listOwned<Signature>(c.var.em, SignatureEntity, ['name', 'body'], { q, ownerId }, departmentScope(c.var.user), { sort, dir, page, pageSize });
      return c.json({ items: items.map(toSignatureDto), total, page, pageSize }, 200);
    })
    .openapi(get, async (c) => c.json(toSignatureDto(await loadOwned(c.var.em, c.var.user, 'signature', c.req.valid('param').id, 'see')), 200))
    .openapi(create, async (c) => {
      const { em } = c.var;
      const { ownerId, body, ...fields } = c.req.valid('json');
      const owner = await resolveOwner(em, c.var.user, ownerId);
      const signature = await em.transactional(async (tx) => {
        const created = tx.create(SignatureEntity, { ...fields, body: cleanBody(fields.format, body), owner, department: owner.department! });
        await tx.flush();
        if (created.isDefault) await clearOtherDefaults(tx, created);
        return created;
      });
      return c.json(toSignatureDto(signature), 201);
    })
    .openapi(update, async (c) => {
      const { em } = c.var;
      const signature = await loadOwned(em, c.var.user, 'signature', c.req.valid('param').id, 'change');
      const input = c.req.valid('json');
      const format = input.format ?? signature.format;
      em.assign(signature, { ...input, body: cleanBody(format, input.body ?? signature.body) });
      await em.transactional(async (tx) => {
        await tx.flush();
        if (input.isDefault) await clearOtherDefaults(tx, signature);
      });
      return c.json(toSignatureDto(signature), 200);
    })
    .openapi(remove, async (c) => {
      const { em } = c.var;
      const signature = await loadOwned(em, c.var.user, 'signature', c.req.valid('param').id, 'change');
      await em.remove(signature).flush();
      return c.json({ ok: true as const }, 200);
    });
}
