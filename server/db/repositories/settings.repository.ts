import type { Em } from '../orm.js';
import { SettingsSchema, type Settings } from '../entities/settings.entity.js';

export const DEFAULT_SETTINGS = {
  windowStart: '08:30',
  windowEnd: '17:30',
  // Luxon weekdays, 1 = Monday: mailings pause on Friday, Saturday and Sunday.
  businessDays: [1, 2, 3, 4],
  defaultDailyLimit: 94,
  timeZone: 'UTC',
  unsubscribeMailto: null,
  unsubscribeText: 'You receive this e-mail because you are in our customer database. Click below to stop receiving our newsletters.',
};

export const settingsRepository = {
  /** The single settings row, created with defaults on first use. */
  async get(em: Em, publicBaseUrl: string): Promise<Settings> {
    const found = await em.findOne(SettingsSchema, { id: 1 });
    if (found) return found;
    const created = em.create(SettingsSchema, { id: 1, ...DEFAULT_SETTINGS, publicBaseUrl });
    await em.flush();
    return created;
  },
};
