import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { logger } from 'hono/logger';
import { secureHeaders } from 'hono/secure-headers';
import type { Services } from '../services.js';
import type { AppEnv } from './env.js';
import { ApiError, toApiError } from './errors.js';
import { session } from './middleware/session.js';
import { csrf } from './middleware/csrf.js';
import { inputHygiene } from './middleware/input-hygiene.js';
import { isBinaryUpload } from './middleware/binary-upload.js';
import { apiRoutes } from './routes/index.js';
import { spa } from './spa.js';
import { unsubscribeRoutes } from './routes/unsubscribe.js';
import { createRouter } from './router.js';
import { rateLimits } from './rate-limits.js';
import { RenderPoolBusy } from '../mail/render-pool.js';

/** How large a request body may be, but for attachment uploads (which count their own bytes). */
const API_BODY_LIMIT = 5 * 1024 * 1024;

const noRoute = (c: Context) => new ApiError('not_found', { reason: 'no_route', params: { method: c.req.method, path: c.req.path } });

export interface AppOptions {
  /** Serve the built SPA from this folder (omitted in API tests). */
  staticDir?: string;
  log?: boolean;
}

export function createApp(services: Services, options: AppOptions = {}) {
  const app = createRouter();
  const limits = rateLimits(services);
  if (options.log) app.use('*', logger());
  app.use('*', secureHeaders({ contentSecurityPolicy: undefined, crossOriginEmbedderPolicy: false }));
  app.use('*', async (c, next) => {
    c.set('services', services);
    c.set('limits', limits);
    c.set('em', services.orm.em.fork() as AppEnv['Variables']['em']);
    await next();
  });
  const apiBodyLimit = bodyLimit({ maxSize: API_BODY_LIMIT, onError: () => { throw new ApiError('payload_too_large', { reason: 'body_too_large', params: { limit: API_BODY_LIMIT } }); } });
  // An attachment upload counts its own bytes against the attachment limits as it streams them to disk.
  app.use('/api/*', (c, next) => (isBinaryUpload(c) ? next() : apiBodyLimit(c, next)));
  app.use('/api/*', inputHygiene(), session(), csrf());

  // Chained, so the app's type carries every API route for the UI's typed client (hc<App>).
  const routed = app.route('/api', apiRoutes());
  app.doc31('/api/openapi.json', { openapi: '3.1.0', info: { title: 'Mailroom API', version: '1' } });
  app.all('/api/*', (c) => {
    throw noRoute(c);
  });
  // Public: reached from recipients' mail clients, with no session and no CSRF token.
  app.route('/u', unsubscribeRoutes((e) => services.events.emit({ type: 'recipient.unsubscribed', mailingId: e.mailingId, departmentId: e.departmentId, ownerId: e.ownerId, email: e.email, at: e.at.toISOString() })));

  if (options.staticDir) app.route('/', spa(options.staticDir));

  app.notFound((c) => c.json(noRoute(c).toBody(), 404));
  app.onError((err, c) => {
    const apiError = toApiError(err);
    // A full render queue empties in about a render's time (RenderPoolBusy).
    if (err instanceof RenderPoolBusy) c.header('Retry-After', '1');
    if (apiError) return c.json(apiError.toBody(), apiError.status);
    console.error(`[http] ${c.req.method} ${c.req.path} failed:`, err);
    return c.json(new ApiError('internal', { reason: 'internal', params: {} }).toBody(), 500);
  });
  return routed;
}

export type App = ReturnType<typeof createApp>;
