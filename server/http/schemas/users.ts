import { z } from '@hono/zod-openapi';
import { ROLES } from '../../domain/roles.js';
import { emailField } from './recipients.js';
import { idField, nameField, timeZoneField } from './fields.js';

/** Contracts of the people who use Mailroom. Passwords go in, never out. */

export const UserSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    departmentId: z.number().int().nullable(),
    departmentName: z.string().nullable(),
    timeZone: z.string(),
    active: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('User');

const password = z.string().min(10, { message: 'Password must have at least 10 characters' }).max(200);

const fields = {
  email: emailField,
  name: nameField(120),
  role: z.enum(ROLES),
  departmentId: idField.nullable(),
  timeZone: timeZoneField,
  password,
  active: z.boolean(),
};

export const UserInput = z
  .object({ ...fields, active: fields.active.default(true) })
  .strict()
  .openapi('UserInput');

export const UserPatch = z.object(fields).partial().strict().openapi('UserPatch');

export const UserListSchema = z.array(UserSchema);

export type UserDto = z.infer<typeof UserSchema>;
export type UserInputDto = z.input<typeof UserInput>;
export type UserPatchDto = z.input<typeof UserPatch>;
