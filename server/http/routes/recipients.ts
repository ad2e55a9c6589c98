import { createRoute, z } from '@hono/zod-openapi';
import type { ZodObject, ZodType } from 'zod';
import { parse as parseCsv } from 'csv-parse/sync';
import { createAuthedRouter } from '../router.js';
import type { AuthUser } from '../../security/session.js';
import { ApiError } from '../errors.js';
import { errorResponses, IdParams, json, jsonBody, OkSchema, pageOf } from '../openapi.js';
import type { Em } from '../../db/orm.js';
import { UserSchema, type User } from '../../db/entities/user.entity.js';
import { resolveOwner } from '../owned.js';
import { loadOwned, ownership } from '../../security/owned.js';
import { CompanySchema as CompanyEntity } from '../../db/entities/company.entity.js';
import { listRecipients, recipientSchemas, type RecipientEntity } from '../../db/repositories/recipient.repository.js';
import { canSee, departmentScope } from '../../domain/visibility.js';
import type { RecipientType } from '../../domain/recipient-types.js';
import * as S from '../schemas/recipients.js';

const MAX_IMPORT_ROWS = 10_000;

/** What differs between companies, contacts and leads; everything else is shared below. */
interface KindSpec<K extends RecipientType> {
  kind: K;
  label: string;
  tag: string;
  input: ZodObject;
  output: ZodType;
  listQuery: ZodObject;
  toDto(e: RecipientEntity[K]): unknown;
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
  } satisfies KindSpec<'company'>,
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
      const company = await em.findOne(CompanyEntity, { id: input.companyId as number });
      if (!company || !canSee(actor, ownership(company))) {
        throw ApiError.of('precondition', 'companyId', `company ${String(input.companyId)} not found`);
      }
      if (company.department.id !== owner.department?.id) throw ApiError.of('precondition', 'companyId', "the company belongs to another department than the contact's owner");
      return { company };
    },
  } satisfies KindSpec<'contact'>,
  lead: {
    kind: 'lead',
    label: 'Lead',
    tag: 'leads',
    input: S.LeadInput,
    output: S.LeadSchema,
    listQuery: S.LeadListQuery,
    toDto: (e) => ({ ...common(e), firstName: e.firstName, lastName: e.lastName ?? null, title: e.title ?? null, companyName: e.companyName ?? null }),
    resolveRefs: noRefs,
  } satisfies KindSpec<'lead'>,
};

const CSV_BOOLEAN: Record<string, boolean> = { true: true, yes: true, y: true, '1': true, false: false, no: false, n: false, '0': false };
const camel = (s: string) => s.trim().toLowerCase().replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());

/** One CSV record → the JSON shape the create route accepts (strings typed by the target schema). */
function csvRecordToInput(record: Record<string, string>, input: ZodObject): { value: Record<string, unknown>; errors: string[] } {
  const value: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const [column, raw] of Object.entries(record)) {
    const key = camel(column);
    const cell = raw.trim();
    if (key === 'ownerEmail' || cell === '') {
      if (key === 'ownerEmail' && cell) value.ownerEmail = cell.toLowerCase();
      continue;
    }
    const field = input.shape[key] as ZodType | undefined;
    const kind = field ? JSON.stringify(z.toJSONSchema(field, { unrepresentable: 'any', io: 'input' })) : '';
    if (kind.includes('"boolean"')) {
      if (!(cell.toLowerCase() in CSV_BOOLEAN)) errors.push(`${column}: "${cell}" is not yes/no`);
      else value[key] = CSV_BOOLEAN[cell.toLowerCase()];
    } else if (kind.includes('"integer"') || kind.includes('"number"')) {
      if (!/^\d+$/.test(cell)) errors.push(`${column}: "${cell}" is not a number`);
      else value[key] = Number(cell);
    } else value[key] = cell;
  }
  return { value, errors };
}

export function recipientRoutes<K extends RecipientType>(spec: KindSpec<K>) {
  const schema = recipientSchemas[spec.kind];
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
  const importCsv = createRoute({
    method: 'post', path: '/import', tags,
    summary: `Import ${spec.tag} from CSV (header row of snake_case field names, owner_email optional); all rows or none`,
    request: { body: { content: { 'text/csv': { schema: z.string() } }, required: true } },
    responses: { ...errorResponses, 201: json(S.ImportResultSchema, 'Every row imported'), 422: json(S.ImportErrorSchema, 'Some rows are invalid; nothing imported') },
  });

  return createAuthedRouter()
    .openapi(list, async (c) => {
      const { q, sort, dir, page, pageSize, ...filter } = c.req.valid('query') as Record<string, never>;
      const { items, total } = await listRecipients(c.var.em, spec.kind, { q, ...filter }, departmentScope(c.var.user), { sort, dir, page, pageSize });
      return c.json({ items: items.map(spec.toDto), total, page, pageSize } as never, 200);
    })
    .openapi(get, async (c) => {
      const entity = await loadOwned(c.var.em, c.var.user, spec.kind, c.req.valid('param').id, 'see');
      return c.json(spec.toDto(entity) as never, 200);
    })
    .openapi(create, async (c) => {
      const { em } = c.var;
      const actor = c.var.user;
      const input = c.req.valid('json') as Record<string, unknown>;
      const owner = await resolveOwner(em, actor, input.ownerId as number | undefined);
      const refs = await spec.resolveRefs(em, input, actor, owner);
      const { ownerId: _o, companyId: _c, ...fields } = input;
      const entity = em.create(schema as never, { ...fields, ...refs, owner, department: owner.department! } as never) as RecipientEntity[K];
      await em.flush();
      return c.json(spec.toDto(entity) as never, 201);
    })
    .openapi(update, async (c) => {
      const { em } = c.var;
      const actor = c.var.user;
      const entity = await loadOwned(em, actor, spec.kind, c.req.valid('param').id, 'change');
      const input = c.req.valid('json') as Record<string, unknown>;
      const owner = input.ownerId === undefined ? entity.owner.getEntity() : await resolveOwner(em, actor, input.ownerId as number);
      const refs = await spec.resolveRefs(em, input, actor, owner);
      const { ownerId: _o, companyId: _c, ...fields } = input;
      em.assign(entity as never, { ...fields, ...refs, owner, department: owner.department! } as never);
      await em.flush();
      return c.json(spec.toDto(entity) as never, 200);
    })
    .openapi(remove, async (c) => {
      const { em } = c.var;
      const entity = await loadOwned(em, c.var.user, spec.kind, c.req.valid('param').id, 'change');
      await em.remove(entity as never).flush();
      return c.json({ ok: true as const }, 200);
    })
    .openapi(importCsv, async (c) => {
      const { em } = c.var;
      const actor = c.var.user;
      let records: Record<string, string>[];
      try {
        records = parseCsv(await c.req.text(), { columns: true, skip_empty_lines: true, bom: true, trim: true });
      } catch (err) {
        throw new ApiError('bad_request', `The file is not valid CSV: ${(err as Error).message}`);
      }
      if (records.length === 0) throw new ApiError('bad_request', 'The file has no data rows');
      if (records.length > MAX_IMPORT_ROWS) throw new ApiError('bad_request', `At most ${MAX_IMPORT_ROWS} rows per import`);
      const known = new Set([...Object.keys(spec.input.shape).filter((k) => k !== 'ownerId'), 'ownerEmail']);
      const unknown = Object.keys(records[0]).filter((col) => !known.has(camel(col)));
      if (unknown.length) throw new ApiError('bad_request', `Unknown column(s): ${unknown.join(', ')}`, { allowed: [...known] });

      const owners = new Map<string, User>();
      const rows: { line: number; errors: string[] }[] = [];
      const ready: Record<string, unknown>[] = [];
      for (const [i, record] of records.entries()) {
        const line = i + 2; // header is line 1
        const { value, errors } = csvRecordToInput(record, spec.input);
        const ownerEmail = value.ownerEmail as string | undefined;
        delete value.ownerEmail;
        const parsed = spec.input.safeParse(value);
        if (!parsed.success) errors.push(...parsed.error.issues.map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`));
        if (errors.length) {
          rows.push({ line, errors });
          continue;
        }
        try {
          const data = parsed.data as Record<string, unknown>;
          let owner: User;
          if (ownerEmail) {
            const cached = owners.get(ownerEmail) ?? (await em.findOne(UserSchema, { email: ownerEmail }, { populate: ['department'] }));
            if (!cached) throw ApiError.of('precondition', 'owner_email', `no user ${ownerEmail}`);
            owners.set(ownerEmail, cached);
            owner = await resolveOwner(em, actor, cached.id);
          } else owner = await resolveOwner(em, actor, undefined);
          const refs = await spec.resolveRefs(em, data, actor, owner);
          const { ownerId: _o, companyId: _c, ...fields } = data;
          ready.push({ ...fields, ...refs, owner, department: owner.department! });
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          rows.push({ line, errors: [err.message] });
        }
      }
      if (rows.length) {
        throw new ApiError('import_rejected', `${rows.length} of ${records.length} rows are invalid; nothing was imported`, { rows });
      }
      for (const data of ready) em.create(schema as never, data as never);
      await em.flush();
      return c.json({ imported: ready.length }, 201);
    });
}
