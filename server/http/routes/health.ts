import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../router.js';
import { json } from '../openapi.js';

const Part = z.object({ ok: z.boolean(), detail: z.string().optional() });
export const HealthSchema = z.object({ ok: z.boolean(), database: Part, jobs: Part, mailSink: Part }).openapi('Health');
export type Health = z.infer<typeof HealthSchema>;

const health = createRoute({
  method: 'get',
  path: '/',
  tags: ['health'],
  summary: 'Reports the database, the job runner and the mail sink',
  responses: { 200: json(HealthSchema, 'All parts work'), 503: json(HealthSchema, 'A part is down') },
});

export const healthRoutes = () =>
  createRouter().openapi(health, async (c) => {
    const { orm, jobs, sink, config } = c.var.services;
    const database = await orm.isConnected().then(
      async (ok) => (ok ? { ok: true, detail: config.database.kind } : { ok: false, detail: 'not connected' }),
      (err: Error) => ({ ok: false, detail: err.message }),
    );
    const jobsPart = jobs ? await jobs.health() : { ok: config.role === 'web', detail: 'not running in this process' };
    const mailSink = sink ? { ok: true, detail: `smtp://127.0.0.1:${sink.port}` } : { ok: true, detail: 'off' };
    const ok = database.ok && jobsPart.ok && mailSink.ok;
    // Monitors may ask anonymously; only signed-in users see where things run and why they fail.
    const shown = (part: { ok: boolean; detail?: string }) => (c.var.user ? part : { ok: part.ok });
    return c.json({ ok, database: shown(database), jobs: shown({ ok: jobsPart.ok, detail: jobsPart.detail }), mailSink: shown(mailSink) }, ok ? 200 : 503);
  });
