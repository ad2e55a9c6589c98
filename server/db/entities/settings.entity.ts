import { defineEntity, type InferEntity } from '@mikro-orm/core';

/** The organisation's mailing rules: one row, id 1. */
export const SettingsSchema = defineEntity({
  name: 'Settings',
  tableName: 'settings',
  properties: (p) => ({
    id: p.integer().primary(),
    windowStart: p.string().length(5),
    windowEnd: p.string().length(5),
    // Comma-separated text, not JSON: MariaDB returns JSON columns to mysql2 as unparsed strings.
    businessDays: p.array((day) => Number(day)),
    defaultDailyLimit: p.integer(),
    timeZone: p.string().length(64),
    publicBaseUrl: p.string().length(300),
    unsubscribeMailto: p.string().length(254).nullable(),
    unsubscribeText: p.text(),
    // The OAuth clients mailboxes connect through; secrets sealed like SMTP passwords, never returned.
    googleClientId: p.string().length(200).nullable(),
    googleClientSecretEnc: p.text().nullable(),
    microsoftClientId: p.string().length(200).nullable(),
    microsoftClientSecretEnc: p.text().nullable(),
    microsoftTenant: p.string().length(100).nullable(),
  }),
});

export type Settings = InferEntity<typeof SettingsSchema>;
