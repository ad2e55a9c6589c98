import { createRoute } from '@hono/zod-openapi';
import { createAuthedRouter } from '../router.js';
import type { AuthUser } from '../../security/session.js';
import { ApiError } from '../errors.js';
import { errorResponses, IdParams, json, jsonBody, OkSchema } from '../openapi.js';
import type { Em } from '../../db/orm.js';
import { UserSchema as UserEntity, type User } from '../../db/entities/user.entity.js';
import { departmentRepository } from '../../db/repositories/department.repository.js';
import { userRepository } from '../../db/repositories/user.repository.js';
import { sessionRepository } from '../../db/repositories/session.repository.js';
import type { Revocation } from '../../db/repositories/live-revocation.repository.js';
import { changeWithRevocations } from '../revocations.js';
import { moveOwnedRecords, ownedRecordCounts } from '../../db/repositories/ownership.repository.js';
import { hashPassword } from '../../security/password.js';
import { isAdmin } from '../../domain/visibility.js';
import { assertNotSelfLockout, needsDepartment } from '../../domain/user-admin.js';
import type { Role } from '../../domain/roles.js';
import * as S from '../schemas/users.js';

const tags = ['users'];

export const toUserDto = (u: User): S.UserDto => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  departmentId: u.department?.id ?? null,
  departmentName: u.department?.getEntity().name ?? null,
  timeZone: u.timeZone,
  active: u.active,
  createdAt: u.createdAt.toISOString(),
});

function assertAdmin(actor: AuthUser) {
  if (!isAdmin(actor)) throw new ApiError('forbidden', { reason: 'admins_manage_users', params: {} });
}

async function load(em: Em, actor: AuthUser, id: number): Promise<User> {
  const user = await userRepository.visibleById(em, actor, id);
  if (!user) throw new ApiError('not_found', { reason: 'user_not_found', params: {} });
  return user;
}

async function assertEmailFree(em: Em, email: string, exceptId?: number) {
  const other = await userRepository.byEmail(em, email);
  if (other && other.id !== exceptId) throw new ApiError('conflict', { reason: 'user_email_taken', params: { email } }, { field: 'email' });
}

/** The department a role/department pair ends up with, checked: 422 when missing where required or unknown. */
async function resolveDepartment(em: Em, role: Role, departmentId: number | null) {
  if (departmentId === null) {
    if (needsDepartment(role)) throw new ApiError('precondition', { reason: 'role_needs_department', params: { role } }, { field: 'departmentId' });
    return null;
  }
  const department = await departmentRepository.byId(em, departmentId);
  if (!department) throw new ApiError('precondition', { reason: 'department_unknown', params: { id: departmentId } }, { field: 'departmentId' });
  return department;
}

const list = createRoute({
  method: 'get', path: '/', tags, summary: 'Users visible to you (all for admins and company managers, your department otherwise)',
  responses: { 200: json(S.UserListSchema, 'Users by name'), ...errorResponses },
});
const get = createRoute({
  method: 'get', path: '/{id}', tags, summary: 'One user',
  request: { params: IdParams },
  responses: { 200: json(S.UserSchema, 'User'), ...errorResponses },
});
const create = createRoute({
  method: 'post', path: '/', tags, summary: 'Create a user (admins)',
  request: { body: jsonBody(S.UserInput) },
  responses: { 201: json(S.UserSchema, 'Created'), ...errorResponses },
});
const update = createRoute({
  method: 'patch', path: '/{id}', tags, summary: 'Change a user (admins); deactivating or a new password signs them out everywhere (your own new password: everywhere else)',
  request: { params: IdParams, body: jsonBody(S.UserPatch) },
  responses: { 200: json(S.UserSchema, 'Changed'), ...errorResponses },
});
const remove = createRoute({
  method: 'delete', path: '/{id}', tags, summary: 'Delete a user who owns nothing (admins); deactivate the others',
  request: { params: IdParams },
  responses: { 200: json(OkSchema, 'Deleted'), ...errorResponses },
});

export function userRoutes() {
  return createAuthedRouter()
    .openapi(list, async (c) => {
      const users = await userRepository.visible(c.var.em, c.var.user);
      return c.json(users.map(toUserDto), 200);
    })
    .openapi(get, async (c) => c.json(toUserDto(await load(c.var.em, c.var.user, c.req.valid('param').id)), 200))
    .openapi(create, async (c) => {
      const { em } = c.var;
      assertAdmin(c.var.user);
      const { password, departmentId, ...fields } = c.req.valid('json');
      await assertEmailFree(em, fields.email);
      const department = await resolveDepartment(em, fields.role, departmentId);
      const user = em.create(UserEntity, { ...fields, department, passwordHash: await hashPassword(password) });
      await em.flush();
      return c.json(toUserDto(user), 201);
    })
    .openapi(update, async (c) => {
      const { em } = c.var;
      const actor = c.var.user;
      assertAdmin(actor);
      const user = await load(em, actor, c.req.valid('param').id);
      const { password, departmentId, ...fields } = c.req.valid('json');
      assertNotSelfLockout(actor.id, user.id, fields);
      if (fields.email !== undefined) await assertEmailFree(em, fields.email, user.id);
      const oldDepartmentId = user.department?.id ?? null;
      const role = fields.role ?? user.role;
      const department = await resolveDepartment(em, role, departmentId === undefined ? oldDepartmentId : departmentId);
      const newDepartmentId = department?.id ?? null;
      const moved = newDepartmentId !== oldDepartmentId;
      if (moved && newDepartmentId === null) {
        const owned = await ownedRecordCounts(em, { owner: user.id });
        if (Object.keys(owned).length) {
          throw new ApiError('conflict', { reason: 'user_owns_records_move', params: { name: user.name, owned } }, { field: 'departmentId', details: { owned } });
        }
      }
      const wasActive = user.active;
      const oldRole = user.role;
      em.assign(user, { ...fields, department, ...(password ? { passwordHash: await hashPassword(password) } : {}) });
      await changeWithRevocations(c.var.services, em, async (tx) => {
        await tx.flush();
        // Records live in their owner's department; a moved owner takes them along.
        if (moved && newDepartmentId !== null) await moveOwnedRecords(tx, user.id, newDepartmentId);
        if (wasActive && !user.active) await sessionRepository.deleteForUser(tx, user.id);
        // A new password ends the sessions signed in with the old one; changing your own keeps this one.
        else if (password) await sessionRepository.deleteForUser(tx, user.id, user.id === actor.id ? c.var.sessionToken : null);
        const at = c.var.services.now().toISOString();
        const revoked: Revocation[] = [];
        // Sockets of an ended session close (this one's reconnects, as its session still holds).
        if ((wasActive && !user.active) || password || moved || user.role !== oldRole) revoked.push({ type: 'session.ended', userId: user.id, tokenHash: null, at });
        if (moved && newDepartmentId !== null) revoked.push({ type: 'mailings.moved', ownerId: user.id, fromDepartmentId: oldDepartmentId, departmentId: newDepartmentId, at });
        return revoked;
      });
      return c.json(toUserDto(user), 200);
    })
    .openapi(remove, async (c) => {
      const { em } = c.var;
      const actor = c.var.user;
      assertAdmin(actor);
      const user = await load(em, actor, c.req.valid('param').id);
      assertNotSelfLockout(actor.id, user.id, { delete: true });
      const owned = await ownedRecordCounts(em, { owner: user.id });
      if (Object.keys(owned).length) {
        throw new ApiError('conflict', { reason: 'user_owns_records_delete', params: { name: user.name, owned } }, { details: { owned } });
      }
      const userId = user.id;
      await changeWithRevocations(c.var.services, em, async (tx) => {
        await tx.remove(user).flush();
        return [{ type: 'session.ended', userId, tokenHash: null, at: c.var.services.now().toISOString() }];
      });
      return c.json({ ok: true as const }, 200);
    });
}
