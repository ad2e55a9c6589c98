import { z } from '@hono/zod-openapi';
import { IANAZone } from 'luxon';

/** Input fields several resources share, so each rule is written once. */

export const MAX_ID = 2_147_483_647;

/** A reference to another row in a JSON body. */
export const idField = z.number().int().positive().max(MAX_ID);

/** An id filter in a query string. */
export const idQuery = z.coerce.number().int().positive().max(MAX_ID);

export const nameField = (max: number) => z.string().trim().min(1).max(max);

/** An IANA zone luxon knows ("Europe/Berlin"); offsets and abbreviations are refused. */
export const timeZoneField = z
  .string()
  .trim()
  .max(64)
  .refine((zone) => IANAZone.isValidZone(zone), { message: 'Unknown time zone (use an IANA name such as Europe/Berlin)' });
