import { z } from '@hono/zod-openapi';

/** An account's star: green when it can send now, red with the reason (see server/domain/account-health.ts). */
export const LightSchema = z
  .union([z.object({ green: z.literal(true) }), z.object({ green: z.literal(false), reason: z.string(), detail: z.string().nullable() })])
  .openapi('AccountLight');
