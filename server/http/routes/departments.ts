import { createRoute } from '@hono/zod-openapi';
import { createAuthedRouter } from '../router.js';
import type { AuthUser } from '../../security/session.js';
import { ApiError } from '../errors.js';
import { errorResponses, IdParams, json, jsonBody, OkSchema } from '../openapi.js';
import type { Em } from '../../db/orm.js';
import { DepartmentSchema as DepartmentEntity, type Department } from '../../db/entities/department.entity.js';
import { departmentRepository } from '../../db/repositories/department.repository.js';
import { ownedRecordCounts } from '../../db/repositories/ownership.repository.js';
import { departmentScope, isAdmin } from '../../domain/visibility.js';
import * as S from '../schemas/departments.js';

const tags = ['departments'];

const toDto = (d: Department, userCount: number): S.DepartmentDto => ({ id: d.id, name: d.name, userCount, createdAt: d.createdAt.toISOString() });

function assertAdmin(actor: AuthUser) {
  if (!isAdmin(actor)) throw new ApiError('forbidden', { reason: 'admins_manage_departments', params: {} });
}

async function load(em: Em, actor: AuthUser, id: number): Promise<Department> {
  const scope = departmentScope(actor);
  const department = scope === null || scope === id ? await departmentRepository.byId(em, id) : null;
  if (!department) throw new ApiError('not_found', { reason: 'department_not_found', params: {} });
  return department;
}

async function assertNameFree(em: Em, name: string, exceptId?: number) {
  const other = await departmentRepository.byName(em, name);
  if (other && other.id !== exceptId) throw new ApiError('conflict', { reason: 'department_name_taken', params: { name } }, { field: 'name' });
}

const list = createRoute({
  method: 'get', path: '/', tags, summary: 'Departments visible to you (all for admins and company managers, your own otherwise)',
  responses: { 200: json(S.DepartmentListSchema, 'Departments by name'), ...errorResponses },
});
const get = createRoute({
  method: 'get', path: '/{id}', tags, summary: 'One department',
  request: { params: IdParams },
  responses: { 200: json(S.DepartmentSchema, 'Department'), ...errorResponses },
});
const create = createRoute({
  method: 'post', path: '/', tags, summary: 'Create a department (admins)',
  request: { body: jsonBody(S.DepartmentInput) },
  responses: { 201: json(S.DepartmentSchema, 'Created'), ...errorResponses },
});
const update = createRoute({
  method: 'patch', path: '/{id}', tags, summary: 'Rename a department (admins)',
  request: { params: IdParams, body: jsonBody(S.DepartmentInput) },
  responses: { 200: json(S.DepartmentSchema, 'Changed'), ...errorResponses },
});
const remove = createRoute({
  method: 'delete', path: '/{id}', tags, summary: 'Delete an empty department (admins)',
  request: { params: IdParams },
  responses: { 200: json(OkSchema, 'Deleted'), ...errorResponses },
});

export function departmentRoutes() {
  return createAuthedRouter()
    .openapi(list, async (c) => {
      const { em } = c.var;
      const scope = departmentScope(c.var.user);
      const departments = await departmentRepository.list(em, scope);
      const counts = await departmentRepository.userCounts(em);
      return c.json(departments.map((d) => toDto(d, counts.get(d.id) ?? 0)), 200);
    })
    .openapi(get, async (c) => {
      const { em } = c.var;
      const department = await load(em, c.var.user, c.req.valid('param').id);
      return c.json(toDto(department, await departmentRepository.userCount(em, department.id)), 200);
    })
    .openapi(create, async (c) => {
      const { em } = c.var;
      assertAdmin(c.var.user);
      const { name } = c.req.valid('json');
      await assertNameFree(em, name);
      const department = em.create(DepartmentEntity, { name });
      await em.flush();
      return c.json(toDto(department, 0), 201);
    })
    .openapi(update, async (c) => {
      const { em } = c.var;
      assertAdmin(c.var.user);
      const department = await load(em, c.var.user, c.req.valid('param').id);
      const { name } = c.req.valid('json');
      await assertNameFree(em, name, department.id);
      department.name = name;
      await em.flush();
      return c.json(toDto(department, await departmentRepository.userCount(em, department.id)), 200);
    })
    .openapi(remove, async (c) => {
      const { em } = c.var;
      assertAdmin(c.var.user);
      const department = await load(em, c.var.user, c.req.valid('param').id);
      const users = await departmentRepository.userCount(em, department.id);
      const records = await ownedRecordCounts(em, { department: department.id });
      if (users || Object.keys(records).length) {
        throw new ApiError('conflict', { reason: 'department_not_empty', params: { owned: { ...(users ? { users } : {}), ...records } } }, { details: { users, records } });
      }
      await em.remove(department).flush();
      return c.json({ ok: true as const }, 200);
    });
}
