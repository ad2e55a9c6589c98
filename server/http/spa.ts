import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The built SvelteKit SPA: real files first, then the fallback page for client-side routes. */
export function spa(root: string) {
  const app = new Hono();
  const fallback = readFileSync(join(root, 'index.html'), 'utf8');
  app.use('*', serveStatic({ root }));
  app.get('*', (c) => c.html(fallback));
  return app;
}
