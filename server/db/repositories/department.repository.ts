import { raw } from '@mikro-orm/core';
import type { Em } from '../orm.js';
import { UserSchema } from '../entities/user.entity.js';
import { DepartmentSchema, type Department } from '../entities/department.entity.js';

export const departmentRepository = {
  byId(em: Em, id: number): Promise<Department | null> {
    return em.findOne(DepartmentSchema, { id });
  },

  byName(em: Em, name: string): Promise<Department | null> {
    return em.findOne(DepartmentSchema, { name });
  },

  /** Every department in name order, or only `onlyId` when given. */
  list(em: Em, onlyId: number | null): Promise<Department[]> {
    return em.find(DepartmentSchema, onlyId === null ? {} : { id: onlyId }, { orderBy: { name: 'asc' } });
  },

  userCount(em: Em, departmentId: number): Promise<number> {
    return em.count(UserSchema, { department: departmentId });
  },

  /** Users per department id, in one grouped query; departments without users are absent. */
  async userCounts(em: Em): Promise<Map<number, number>> {
    // Raw rows (mapResults false) carry the column names.
    const rows: { department_id: number; n: number | string }[] = await em
      .createQueryBuilder(UserSchema, 'u')
      .select(['u.department', raw('count(*) as n')])
      .where({ department: { $ne: null } })
      .groupBy('u.department')
      .execute('all', false);
    return new Map(rows.map((r) => [Number(r.department_id), Number(r.n)]));
  },
};
