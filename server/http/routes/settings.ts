import { createRoute } from '@hono/zod-openapi';
import { createAuthedRouter } from '../router.js';
import { ApiError } from '../errors.js';
import { errorResponses, json, jsonBody } from '../openapi.js';
import type { Settings } from '../../db/entities/settings.entity.js';
import { settingsRepository } from '../../db/repositories/settings.repository.js';
import { isAdmin } from '../../domain/visibility.js';
import * as S from '../schemas/settings.js';

const tags = ['settings'];

const toDto = (s: Settings): S.SettingsDto => ({
  windowStart: s.windowStart,
  windowEnd: s.windowEnd,
  businessDays: [...s.businessDays].sort((a, b) => a - b),
  defaultDailyLimit: s.defaultDailyLimit,
  timeZone: s.timeZone,
  publicBaseUrl: s.publicBaseUrl,
  unsubscribeMailto: s.unsubscribeMailto ?? null,
  unsubscribeText: s.unsubscribeText,
});

const get = createRoute({
  method: 'get', path: '/', tags, summary: "The organisation's mailing rules",
  responses: { 200: json(S.SettingsSchema, 'Settings'), ...errorResponses },
});
const put = createRoute({
  method: 'put', path: '/', tags, summary: 'Replace the mailing rules (admins)',
  request: { body: jsonBody(S.SettingsInput) },
  responses: { 200: json(S.SettingsSchema, 'Saved'), ...errorResponses },
});

export function settingsRoutes() {
  return createAuthedRouter()
    .openapi(get, async (c) => c.json(toDto(await settingsRepository.get(c.var.em, c.var.services.config.publicUrl)), 200))
    .openapi(put, async (c) => {
      const { em, services } = c.var;
      if (!isAdmin(c.var.user)) throw new ApiError('forbidden', { reason: 'admins_change_settings', params: {} });
      const settings = await settingsRepository.get(em, services.config.publicUrl);
      em.assign(settings, c.req.valid('json'));
      await em.flush();
      return c.json(toDto(settings), 200);
    });
}
