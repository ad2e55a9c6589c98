import { createRoute } from '@hono/zod-openapi';
import { createRouter } from '../router.js';
import type { AuthUser } from '../env.js';
import { ApiError, notFound } from '../errors.js';
import { errorResponses, json, pageOf } from '../openapi.js';
import { requireUser } from '../middleware/session.js';
import type { Em } from '../../db/orm.js';
import { EmailAccountSchema as AccountEntity } from '../../db/entities/email-account.entity.js';
import { departmentScope } from '../../domain/visibility.js';
import type { DevSink } from '../../mail/dev-sink.js';
import * as S from '../schemas/outbox.js';

const tags = ['outbox'];

/** The bare address of a From header such as `"Ann Sales" <ann@crm.test>`. */
const fromAddress = (from: string) => (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();

/**
 * The From addresses whose mail the actor may read: null means every message (admins and company
 * managers); others see the mail of their department's accounts.
 */
async function visibleSenders(em: Em, actor: AuthUser): Promise<Set<string> | null> {
  const scope = departmentScope(actor);
  if (scope === null) return null;
  const accounts = await em.find(AccountEntity, { department: scope }, { fields: ['fromEmail'] });
  return new Set(accounts.map((a) => a.fromEmail.toLowerCase()));
}

function sinkOf(sink: DevSink | null): DevSink {
  if (!sink) throw new ApiError('not_found', 'The development mail sink is off');
  return sink;
}

const list = createRoute({
  method: 'get', path: '/', tags, summary: 'Messages the development mail sink received, newest first',
  request: { query: S.OutboxListQuery },
  responses: { 200: json(pageOf(S.OutboxEntrySchema), 'One page'), ...errorResponses },
});
const get = createRoute({
  method: 'get', path: '/{id}', tags, summary: 'One received message with headers and bodies',
  request: { params: S.OutboxIdParams },
  responses: { 200: json(S.OutboxMessageSchema, 'Message'), ...errorResponses },
});

export function outboxRoutes() {
  const router = createRouter();
  router.use('*', requireUser());
  return router
    .openapi(list, async (c) => {
      const sink = sinkOf(c.var.services.sink);
      const { q, page, pageSize } = c.req.valid('query');
      const senders = await visibleSenders(c.var.em, c.var.user!);
      const offset = (page - 1) * pageSize;
      if (!senders) {
        const { items, total } = await sink.list({ limit: pageSize, offset, q });
        return c.json({ items, total, page, pageSize }, 200);
      }
      // The sink knows nothing of departments: filter its whole (in-memory) index, then page.
      const all = await sink.list({ limit: Number.MAX_SAFE_INTEGER, q });
      const visible = all.items.filter((e) => senders.has(fromAddress(e.from)));
      return c.json({ items: visible.slice(offset, offset + pageSize), total: visible.length, page, pageSize }, 200);
    })
    .openapi(get, async (c) => {
      const sink = sinkOf(c.var.services.sink);
      const message = await sink.read(c.req.valid('param').id);
      const senders = await visibleSenders(c.var.em, c.var.user!);
      if (!message || (senders && !senders.has(fromAddress(message.from)))) throw notFound('Message');
      return c.json(message, 200);
    });
}
