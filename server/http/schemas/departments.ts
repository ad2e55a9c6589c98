import { z } from '@hono/zod-openapi';
import { nameField } from './fields.js';

/** Contracts of departments: the unit of visibility. */

export const DepartmentSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    userCount: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('Department');

export const DepartmentInput = z.object({ name: nameField(120) }).strict().openapi('DepartmentInput');

export const DepartmentListSchema = z.array(DepartmentSchema);

export type DepartmentDto = z.infer<typeof DepartmentSchema>;
export type DepartmentInputDto = z.input<typeof DepartmentInput>;
