import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createAuthedRouter } from '../router.js';
import type { AuthedEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { ErrorSchema, errorResponse, errorResponses, IdParams, json, jsonBody, pageOf, pageQuery } from '../openapi.js';
import { wholeNumberQuery } from '../schemas/fields.js';
import * as S from '../schemas/mailings.js';
import { mailingDetail, mailingDtos, todayStart } from '../../read-models/mailing-view.js';
import { MailingDetailSchema, MailingSchema, NotificationSchema } from '../../read-models/mailing-schemas.js';
import type { Mailing } from '../../db/entities/mailing.entity.js';
import { loadOwned } from '../../security/owned.js';
import { mailingRepository } from '../../db/repositories/mailing.repository.js';
import { settingsRepository } from '../../db/repositories/settings.repository.js';
import { suppressionRepository } from '../../db/repositories/suppression.repository.js';
import { listMailings, mailingRows } from '../../db/repositories/mailing-list.repository.js';
import { departmentScope } from '../../domain/visibility.js';
import { spend } from '../rate-limits.js';

const tags = ['mailings'];

const detail = async (c: Context<AuthedEnv>, id: number) => {
  const found = await mailingDetail(c.var.em, c.var.services, id);
  if (!found) throw new ApiError('not_found', { reason: 'mailing_not_found', params: {} });
  return found;
};

const action = <P extends string>(path: P, summary: string) =>
  createRoute({ method: 'post', path, tags, summary, request: { params: IdParams }, responses: { 200: json(MailingDetailSchema, 'The mailing after the action'), ...errorResponses } });
const restart = createRoute({
  method: 'post', path: '/{id}/restart', tags, summary: 'Send again to the unsuccessful recipients only (failed; uncertain and soft-bounced on request)',
  request: { params: IdParams, body: jsonBody(S.RestartSchema) },
  responses: { 200: json(MailingDetailSchema, 'The mailing after the restart'), ...errorResponses },
});

const list = createRoute({ method: 'get', path: '/', tags, summary: 'Mass mailings visible to you', request: { query: S.MailingListQuery }, responses: { 200: json(pageOf(MailingSchema), 'One page'), ...errorResponses } });
const preflight = createRoute({ method: 'post', path: '/preflight', tags, summary: 'What creating these mailings would do, without doing it', request: { body: jsonBody(S.MailingRequestSchema) }, responses: { 200: json(S.PreflightResultSchema, 'One report per recipient type'), ...errorResponses } });
const create = createRoute({
  method: 'post', path: '/', tags, summary: 'Create one mailing per recipient type (Make Massmail)',
  request: { body: jsonBody(S.MailingRequestSchema) },
  responses: { ...errorResponses, 201: json(S.CreateResultSchema, 'Created'), 422: errorResponse('Pre-flight refused (code preflight_refused, the reports in details) or a rule refuses it; nothing created', ErrorSchema.extend({ details: S.PreflightResultSchema.optional() })) },
});
const get = createRoute({ method: 'get', path: '/{id}', tags, summary: 'One mailing with its live progress', request: { params: IdParams }, responses: { 200: json(MailingDetailSchema, 'The mailing'), ...errorResponses } });
const recipients = createRoute({ method: 'get', path: '/{id}/recipients', tags, summary: 'The mailing\'s recipients by state, with their last SMTP reply', request: { params: IdParams, query: S.LedgerQuery }, responses: { 200: json(pageOf(S.LedgerRowSchema), 'One page'), ...errorResponses } });
const events = createRoute({ method: 'get', path: '/{id}/notifications', tags, summary: 'The mailing\'s notifications and errors, newest first', request: { params: IdParams, query: z.object({ page: pageQuery, pageSize: wholeNumberQuery(1, 500).default(100) }) }, responses: { 200: json(pageOf(NotificationSchema), 'One page'), ...errorResponses } });
const combine = createRoute({ method: 'post', path: '/combine', tags, summary: 'Merge mailings with the same message, recipient type and owner', request: { body: jsonBody(S.CombineSchema) }, responses: { 201: json(MailingDetailSchema, 'The combined mailing'), ...errorResponses } });
const test = createRoute({
  method: 'post', path: '/{id}/test', tags, summary: 'Send the message to any address, rendered as a real send', request: { params: IdParams, body: jsonBody(S.TestSendSchema) },
  responses: { 200: json(S.TestSendResultSchema, 'What the SMTP server said'), ...errorResponses, 429: errorResponse('Too many test sends; Retry-After says when to try again') },
});

export function mailingRoutes() {
  return createAuthedRouter()
    .openapi(list, async (c) => {
      const { em, services } = c.var;
      const { sort, dir, page, pageSize, ...filter } = c.req.valid('query');
      const now = services.now();
      const settings = await settingsRepository.get(em, services.config.publicUrl);
      const { rows, total } = await listMailings(em, departmentScope(c.var.user), filter, { sort, dir, page, pageSize }, todayStart(settings, now));
      const [items, n] = await Promise.all([mailingDtos(em, rows, settings, now), total]);
      return c.json({ items, total: n, page, pageSize }, 200);
    })
    .openapi(preflight, async (c) => {
      const { em, services } = c.var;
      const settings = await settingsRepository.get(em, services.config.publicUrl);
      return c.json({ reports: await services.engine.plan(em, c.var.user, c.req.valid('json'), settings) }, 200);
    })
    .openapi(create, async (c) => {
      const { em, services } = c.var;
      const actor = c.var.user;
      if (actor.departmentId === null) throw new ApiError('precondition', { reason: 'mailings_need_department', params: {} });
      const settings = await settingsRepository.get(em, services.config.publicUrl);
      const now = services.now();
      const { mailings, reports } = await services.engine.create(em, { ...actor, departmentId: actor.departmentId }, c.req.valid('json'), settings);
      if (!mailings.length) throw new ApiError('preflight_refused', reports.flatMap((r) => r.errorReasons)[0] ?? { reason: 'nothing_to_create', params: {} }, { details: { reports } });
      const created = await mailingRows(em, mailings.map((m) => m.id), todayStart(settings, now));
      return c.json({ mailings: await mailingDtos(em, created, settings, now), reports }, 201);
    })
    .openapi(get, async (c) => {
      const id = c.req.valid('param').id;
      await loadOwned(c.var.em, c.var.user, 'mailing', id, 'see');
      return c.json(await detail(c, id), 200);
    })
    .openapi(recipients, async (c) => {
      const { em, services } = c.var;
      const id = c.req.valid('param').id;
      await loadOwned(em, c.var.user, 'mailing', id, 'see');
      const query = c.req.valid('query');
      const { page, pageSize } = query;
      const [items, total] = await mailingRepository.recipientsPage(em, id, query, services.now());
      const suppressed = await suppressionRepository.entriesOf(em, items.map((r) => r.email));
      return c.json({
        items: items.map((r) => {
          const s = suppressed.get(r.email);
          return {
            id: r.id, recipientId: r.recipientId, email: r.email, name: r.name ?? null, vip: r.vip, accountId: r.account?.id ?? null, state: r.state, attempts: r.attempts,
            dueAt: r.dueAt?.toISOString() ?? null, lastReply: r.lastReply ?? null, outcome: r.outcome ?? null, messageId: r.messageId ?? null, sentAt: r.sentAt?.toISOString() ?? null,
            claimedBy: r.claimedBy ?? null,
            feedback: r.feedback ?? null, feedbackAt: r.feedbackAt?.toISOString() ?? null, feedbackStatus: r.feedbackStatus ?? null, feedbackNote: r.feedbackNote ?? null,
            suppression: s ? { reason: s.reason, source: s.source ?? null, at: s.createdAt.toISOString() } : null,
          };
        }),
        total, page, pageSize,
      }, 200);
    })
    .openapi(events, async (c) => {
      const { em } = c.var;
      const id = c.req.valid('param').id;
      await loadOwned(em, c.var.user, 'mailing', id, 'see');
      const { page, pageSize } = c.req.valid('query');
      const [items, total] = await mailingRepository.eventsPage(em, id, page, pageSize);
      return c.json({ items: items.map((e) => ({ id: e.id, at: e.at.toISOString(), level: e.level, kind: e.kind, params: e.params ?? null, text: e.text })), total, page, pageSize }, 200);
    })
    .openapi(action('/{id}/pause', 'Pause sending; takes effect before the next message'), async (c) => {
      const mailing = await loadOwned(c.var.em, c.var.user, 'mailing', c.req.valid('param').id, 'change');
      await c.var.services.engine.pause(c.var.em, mailing, c.var.user.name);
      return c.json(await detail(c, mailing.id), 200);
    })
    .openapi(action('/{id}/resume', 'Resume a paused mailing'), async (c) => {
      const mailing = await loadOwned(c.var.em, c.var.user, 'mailing', c.req.valid('param').id, 'change');
      await c.var.services.engine.resume(c.var.em, mailing, c.var.user.name);
      return c.json(await detail(c, mailing.id), 200);
    })
    .openapi(action('/{id}/cancel', 'Cancel the mailing; its history stays'), async (c) => {
      const mailing = await loadOwned(c.var.em, c.var.user, 'mailing', c.req.valid('param').id, 'change');
      await c.var.services.engine.cancel(c.var.em, mailing, c.var.user.name);
      return c.json(await detail(c, mailing.id), 200);
    })
    .openapi(restart, async (c) => {
      const mailing = await loadOwned(c.var.em, c.var.user, 'mailing', c.req.valid('param').id, 'change');
      await c.var.services.engine.restart(c.var.em, mailing, c.req.valid('json'), c.var.user.name);
      return c.json(await detail(c, mailing.id), 200);
    })
    .openapi(test, async (c) => {
      const { em, services } = c.var;
      const mailing = await loadOwned(em, c.var.user, 'mailing', c.req.valid('param').id, 'change');
      // Test sends go to any address through the user's own mailbox: counted per user.
      await spend(c, c.var.limits.testSends, c.var.user.id, 'too_many_test_sends');
      const settings = await settingsRepository.get(em, services.config.publicUrl);
      const outcome = await services.engine.sendTest(em, mailing.id, c.req.valid('json').email, settings);
      return c.json({ ok: outcome.kind === 'sent', reply: outcome.reply, messageId: outcome.messageId ?? null }, 200);
    })
    .openapi(combine, async (c) => {
      const { em, services } = c.var;
      const actor = c.var.user;
      const mailings: Mailing[] = [];
      for (const id of c.req.valid('json').ids) mailings.push(await loadOwned(em, actor, 'mailing', id, 'change'));
      const result = await services.engine.combine(em, mailings, actor.name);
      return c.json(await detail(c, result.mailing.id), 201);
    });
}
