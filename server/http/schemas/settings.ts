import { z } from '@hono/zod-openapi';
import { timeZoneField } from './fields.js';
import { emailField } from './recipients.js';

/** Contract of the organisation's mailing rules (one record). */

const hhmm = z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'Use HH:MM (24-hour clock)' });

const fields = {
  /** Sending window, in each account's time zone. */
  windowStart: hhmm,
  windowEnd: hhmm,
  /** luxon weekdays: 1 = Monday … 7 = Sunday. */
  businessDays: z.array(z.number().int().min(1).max(7)).min(1, { message: 'At least one business day' }).max(7),
  defaultDailyLimit: z.number().int().min(1).max(10_000),
  timeZone: timeZoneField,
  publicBaseUrl: z
    .string()
    .trim()
    .max(300)
    .pipe(z.url({ protocol: /^https?$/, message: 'Use an http(s) URL' }))
    .transform((url) => url.replace(/\/+$/, '')),
  unsubscribeMailto: emailField.nullable(),
  unsubscribeText: z.string().trim().max(2000),
};

export const SettingsSchema = z
  .object({
    windowStart: z.string(),
    windowEnd: z.string(),
    businessDays: z.array(z.number().int()),
    defaultDailyLimit: z.number().int(),
    timeZone: z.string(),
    publicBaseUrl: z.string(),
    unsubscribeMailto: z.string().nullable(),
    unsubscribeText: z.string(),
  })
  .openapi('Settings');

/** PUT replaces every field. */
export const SettingsInput = z
  .object(fields)
  .strict()
  .refine((s) => s.windowStart < s.windowEnd, { path: ['windowEnd'], message: 'The window must end after it starts' })
  .refine((s) => new Set(s.businessDays).size === s.businessDays.length, { path: ['businessDays'], message: 'Each day only once' })
  .openapi('SettingsInput');

export type SettingsDto = z.infer<typeof SettingsSchema>;
export type SettingsInputDto = z.input<typeof SettingsInput>;
