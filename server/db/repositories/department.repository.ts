import { raw } from '@mikro-orm/core';
import type { Em } from '../orm.js';
import { UserSchema } from '../entities/user.entity.js';

export const departmentRepository = {
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
