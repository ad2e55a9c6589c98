import { z } from '@hono/zod-openapi';
import { IANAZone } from 'luxon';

/** Input fields several resources share, so each rule is written once. */

export const MAX_ID = 2_147_483_647;

/** A reference to another row in a JSON body. */
export const idField = z.number().int().positive().max(MAX_ID);

/**
 * A whole number written in decimal digits, as a path or query string carries it (a
 * JSON body's filter may give it as a number). `Number()`
 * would also take "0x10", "1e1", " 5" and "+5": each is refused rather than read as another number.
 */
export const wholeNumberQuery = (min: number, max: number) =>
  z
    .union([z.number(), z.string().regex(/^\d{1,10}$/, { message: 'Must be a whole number written in digits' }).transform(Number)])
    .pipe(z.number().int().min(min).max(max));

/** An id filter in a query string. */
export const idQuery = wholeNumberQuery(1, MAX_ID);

export const nameField = (max: number) => z.string().trim().min(1).max(max);

/** An IANA zone luxon knows ("Europe/Berlin"); offsets and abbreviations are refused. */
export const timeZoneField = z
  .string()
  .trim()
  .max(64)
  .refine((zone) => IANAZone.isValidZone(zone), { message: 'Unknown time zone (use an IANA name such as Europe/Berlin)' });

/** A server's host name or IP address (IPv6 in brackets or bare). */
export const hostField = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.\-:[\]]+$/, { message: 'Invalid host name' });

export const portField = z.number().int().min(1).max(65535);
