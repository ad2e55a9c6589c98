import { createRoute } from '@hono/zod-openapi';
import { createAuthedRouter } from '../router.js';
import { ApiError } from '../errors.js';
import { errorResponses, json, pageOf } from '../openapi.js';
import { OutboxVisibility } from '../outbox-visibility.js';
import { seesAllDepartments } from '../../domain/visibility.js';
import type { DevSink } from '../../mail/dev-sink.js';
import * as S from '../schemas/outbox.js';

const tags = ['outbox'];

function sinkOf(sink: DevSink | null): DevSink {
  if (!sink) throw new ApiError('not_found', { reason: 'sink_off', params: {} });
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
  const visibility = new OutboxVisibility();
  return createAuthedRouter()
    .openapi(list, async (c) => {
      const sink = sinkOf(c.var.services.sink);
      const { q, page, pageSize } = c.req.valid('query');
      const actor = c.var.user;
      const offset = (page - 1) * pageSize;
      if (seesAllDepartments(actor)) {
        const { items, total } = await sink.list({ limit: pageSize, offset, q });
        return c.json({ items, total, page, pageSize }, 200);
      }
      // The sink knows nothing of departments: filter its whole (in-memory) index, then page. Each
      // message's mailing is looked up once; after that a request costs one query for the mailings.
      const all = await sink.list({ limit: Number.MAX_SAFE_INTEGER, q });
      const visible = all.items.filter(await visibility.readableBy(c.var.em, actor, all.items));
      return c.json({ items: visible.slice(offset, offset + pageSize), total: visible.length, page, pageSize }, 200);
    })
    .openapi(get, async (c) => {
      const sink = sinkOf(c.var.services.sink);
      const message = await sink.read(c.req.valid('param').id);
      if (!message || !(await visibility.readableBy(c.var.em, c.var.user, [message]))(message)) throw new ApiError('not_found', { reason: 'message_not_found', params: {} });
      return c.json(message, 200);
    });
}
