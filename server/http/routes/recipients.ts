import { createRoute, z } from '@hono/zod-openapi';
import type { ZodObject, ZodType } from 'zod';
import { createAuthedRouter } from '../router.js';
import type { AuthUser } from '../../security/session.js';
import { ApiError } from '../errors.js';
import { errorResponses, IdParams, json, jsonBody, OkSchema, pageOf, pageQuery } from '../openapi.js';
import { wholeNumberQuery } from '../schemas/fields.js';
import type { Em } from '../../db/orm.js';
import type { User } from '../../db/entities/user.entity.js';
import { readImport } from '../recipient-import.js';
import { resolveOwner } from '../owned.js';
import { loadOwned, ownership } from '../../security/owned.js';
import { anyRecipientSchema, companyById, entityOfKind, listRecipients, recipientData, type AnyRecipient, type RecipientEntity } from '../../db/repositories/recipient.repository.js';
import { feedbackHistoryRepository } from '../../db/repositories/feedback-history.repository.js';
import { canSee, departmentScope } from '../../domain/visibility.js';
import type { RecipientType } from '../../domain/recipient-types.js';
import * as S from '../schemas/recipients.js';

/** What differs between companies, contacts and leads; everything else is shared below. */
interface KindSpec<K extends RecipientType, O extends ZodType = ZodType> {
  kind: K;
  label: string;
  tag: string;
  input: ZodObject;
  output: O;
  listQuery: typeof S.CompanyListQuery | typeof S.ContactListQuery | typeof S.LeadListQuery;
  toDto(e: RecipientEntity[K]): z.output<O>;
  /** Kind-specific references (a contact's company); throws ApiError on a bad one. */
  resolveRefs(em: Em, input: Record<string, unknown>, actor: AuthUser, owner: User): Promise<Record<string, unknown>>;
}

const common = (e: RecipientEntity[RecipientType]) => ({
  id: e.id,
  email: e.email ?? null,
  country: e.country ?? null,
  ownerId: e.owner.id,
  ownerName: e.owner.getEntity().name,
  departmentId: e.department.id,
  vip: e.vip,
  massMailing: e.massMailing,
  disqualified: e.disqualified,
  createdAt: e.createdAt.toISOString(),
});

const noRefs = async () => ({});

export const KINDS = {
  company: {
    kind: 'company',
    label: 'Company',
    tag: 'companies',
    input: S.CompanyInput,
    output: S.CompanySchema,
    listQuery: S.CompanyListQuery,
    toDto: (e) => ({ ...common(e), name: e.name, website: e.website ?? null }),
    resolveRefs: noRefs,
  } satisfies KindSpec<'company', typeof S.CompanySchema>,
  contact: {
    kind: 'contact',
    label: 'Contact',
    tag: 'contacts',
    input: S.ContactInput,
    output: S.ContactSchema,
    listQuery: S.ContactListQuery,
    toDto: (e) => ({
      ...common(e),
      firstName: e.firstName,
      lastName: e.lastName ?? null,
      title: e.title ?? null,
      companyId: e.company.id,
      companyName: e.company.getEntity().name,
    }),
    async resolveRefs(em, input, actor, owner) {
      if (input.companyId === undefined) return {};
      const company = await companyById(em, input.companyId as number);
      if (!company || !canSee(actor, ownership(company))) {
        throw new ApiError('precondition', { reason: 'company_unknown', params: { id: input.companyId as number } }, { field: 'companyId' });
      }
      if (company.department.id !== owner.department?.id) throw new ApiError('precondition', { reason: 'company_other_department', params: {} }, { field: 'companyId' });
      return { company };
    },
  } satisfies KindSpec<'contact', typeof S.ContactSchema>,
  lead: {
    kind: 'lead',
    label: 'Lead',
    tag: 'leads',
    input: S.LeadInput,
    output: S.LeadSchema,
    listQuery: S.LeadListQuery,
    toDto: (e) => ({ ...common(e), firstName: e.firstName, lastName: e.lastName ?? null, title: e.title ?? null, companyName: e.companyName ?? null }),
    resolveRefs: noRefs,
  } satisfies KindSpec<'lead', typeof S.LeadSchema>,
};

export function recipientRoutes<K extends RecipientType, O extends ZodType>(spec: KindSpec<K, O>) {
  const schema = anyRecipientSchema(spec.kind);
  const tags = [spec.tag];

  const list = createRoute({
    method: 'get', path: '/', tags, summary: `List ${spec.tag} visible to you`,
    request: { query: spec.listQuery },
    responses: { 200: json(pageOf(spec.output), 'One page'), ...errorResponses },
  });
  const get = createRoute({
    method: 'get', path: '/{id}', tags, summary: `One ${spec.label.toLowerCase()}`,
    request: { params: IdParams },
    responses: { 200: json(spec.output, spec.label), ...errorResponses },
  });
  const create = createRoute({
    method: 'post', path: '/', tags, summary: `Create a ${spec.label.toLowerCase()}`,
    request: { body: jsonBody(spec.input) },
    responses: { 201: json(spec.output, 'Created'), ...errorResponses },
  });
  const update = createRoute({
    method: 'patch', path: '/{id}', tags, summary: `Change a ${spec.label.toLowerCase()} you own`,
    request: { params: IdParams, body: jsonBody(spec.input.partial()) },
    responses: { 200: json(spec.output, 'Changed'), ...errorResponses },
  });
  const remove = createRoute({
    method: 'delete', path: '/{id}', tags, summary: `Delete a ${spec.label.toLowerCase()} you own`,
    request: { params: IdParams },
    responses: { 200: json(OkSchema, 'Deleted'), ...errorResponses },
  });
  const feedback = createRoute({
    method: 'get', path: '/{id}/feedback', tags, summary: `What the ${spec.label.toLowerCase()}'s mailbox answered to mass mailings (bounces, complaints, replies), newest first`,
    request: { params: IdParams, query: z.object({ page: pageQuery, pageSize: wholeNumberQuery(1, 200).default(50) }) },
    responses: { 200: json(pageOf(S.FeedbackHistoryItemSchema), 'One page'), ...errorResponses },
  });
  const importCsv = createRoute({
    method: 'post', path: '/import', tags,
    summary: `Import ${spec.tag} from CSV (header row of snake_case field names, owner_email optional); all rows or none`,
    request: { body: { content: { 'text/csv': { schema: z.string() } }, required: true } },
    responses: { ...errorResponses, 201: json(S.ImportResultSchema, 'Every row imported'), 422: json(S.ImportErrorSchema, 'Some rows are invalid; nothing imported') },
  });

  return createAuthedRouter()
    .openapi(list, async (c) => {
      const { q, sort, dir, page, pageSize, ...filter } = c.req.valid('query');
      const { items, total } = await listRecipients(c.var.em, spec.kind, { q, ...filter }, departmentScope(c.var.user), { sort, dir, page, pageSize });
      return c.json({ items: items.map(spec.toDto), total, page, pageSize }, 200);
    })
    .openapi(get, async (c) => {
      const entity = await loadOwned(c.var.em, c.var.user, spec.kind, c.req.valid('param').id, 'see');
      return c.json(spec.toDto(entity), 200);
    })
    .openapi(feedback, async (c) => {
      const { em } = c.var;
      const actor = c.var.user;
      // Whoever may read the record may read its history.
      const entity = await loadOwned(em, actor, spec.kind, c.req.valid('param').id, 'see');
      const { page, pageSize } = c.req.valid('query');
      const { items, total } = await feedbackHistoryRepository.ofRecipient(em, spec.kind, entity.id, page, pageSize);
      return c.json({
        items: items.map((e) => ({
          id: e.id, kind: e.kind, email: e.email, status: e.status, note: e.note, sentAt: e.sentAt?.toISOString() ?? null, at: e.createdAt.toISOString(),
          mailing: canSee(actor, e.mailing) ? { id: e.mailing.id, name: e.mailing.name } : null,
        })),
        total, page, pageSize,
      }, 200);
    })
    .openapi(create, async (c) => {
      const { em } = c.var;
      const actor = c.var.user;
      const input = c.req.valid('json');
      const owner = await resolveOwner(em, actor, input.ownerId as number | undefined);
      const refs = await spec.resolveRefs(em, input, actor, owner);
      const { ownerId: _o, companyId: _c, ...fields } = input;
      const entity = entityOfKind(spec.kind, em.create(schema, recipientData({ ...fields, ...refs, owner, department: owner.department! })));
      await em.flush();
      return c.json(spec.toDto(entity), 201);
    })
    .openapi(update, async (c) => {
      const { em } = c.var;
      const actor = c.var.user;
      const entity = await loadOwned(em, actor, spec.kind, c.req.valid('param').id, 'change');
      const input = c.req.valid('json');
      const owner = input.ownerId === undefined ? entity.owner.getEntity() : await resolveOwner(em, actor, input.ownerId as number);
      const refs = await spec.resolveRefs(em, input, actor, owner);
      const { ownerId: _o, companyId: _c, ...fields } = input;
      const target: AnyRecipient = entity;
      em.assign(target, recipientData({ ...fields, ...refs, owner, department: owner.department! }));
      await em.flush();
      return c.json(spec.toDto(entity), 200);
    })
    .openapi(remove, async (c) => {
      const { em } = c.var;
      const entity = await loadOwned(em, c.var.user, spec.kind, c.req.valid('param').id, 'change');
      await em.remove(entity).flush();
      return c.json({ ok: true as const }, 200);
    })
    .openapi(importCsv, async (c) => {
      const { em } = c.var;
      const actor = c.var.user;
      const ready = await readImport(em, actor, await c.req.text(), spec);
      for (const data of ready) em.create(schema, recipientData(data));
      await em.flush();
      return c.json({ imported: ready.length }, 201);
    });
}
