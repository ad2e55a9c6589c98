import { z } from '@hono/zod-openapi';
import type { HealthDetail } from '../domain/health-detail.js';

/** An account's star: green when it can send now, red with the reason (see server/domain/account-health.ts). */
export const LightSchema = z
  .union([z.object({ green: z.literal(true) }), z.object({ green: z.literal(false), reason: z.string(), detail: z.string().nullable(), why: z.custom<HealthDetail>((v) => typeof v === 'object').openapi({ type: 'object', description: 'Mailroom\'s own reason as a `code` and its values; null: `detail` is the server\'s words' }).nullable() })])
  .openapi('AccountLight');
