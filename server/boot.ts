import { serve, type ServerType } from '@hono/node-server';
import type { Server as HttpServer } from 'node:http';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from './config.js';
import type { Services } from './services.js';
import { initORM } from './db/orm.js';
import { loadSecretKey } from './security/secret-key.js';
import { SecretBox } from './security/secret-box.js';
import { settingsRepository } from './db/repositories/settings.repository.js';
import { sessionRepository } from './db/repositories/session.repository.js';
import { deleteExpiredRateLimits } from './db/rate-limiter.js';
import { attachmentsDirOf } from './db/attachment-files.js';
import { liveRevocationRepository } from './db/repositories/live-revocation.repository.js';
import { seedDemo } from './db/seed/demo.js';
import { seedAdmin } from './db/seed/admin.js';
import { createApp } from './http/app.js';
import { httpServerOptions } from './http/server-options.js';
import { attachLiveHub } from './live/hub.js';
import { signedInUser } from './security/session.js';
import { mailingDetail } from './read-models/mailing-view.js';
import { createJobRunner } from './engine/job-runner.js';
import { defineHousekeeping } from './engine/housekeeping.js';
import { startDevSink } from './mail/dev-sink.js';
import { incomingMailboxes } from './mail/mailboxes.js';
import { classifyMessage } from './mail/feedback/classify.js';
import { TransportPool } from './mail/transport.js';
import { AccountCredentials } from './mail/account-credentials.js';
import { AccessTokens } from './mail/access-tokens.js';
import { EventBus } from './live/event-bus.js';
import { Engine } from './engine/index.js';
import { startDbRelay } from './live/db-relay.js';
import { closeRenderPool } from './mail/render-pool.js';
import { startRevocationRelay } from './live/revocation-relay.js';

export interface Running {
  services: Services;
  url: string | null;
  close(): Promise<void>;
}

const staticDir = resolve(import.meta.dirname, '../build');

/** Starts every part this process's role asks for, in dependency order; close() stops them in reverse. */
export async function boot(config: Config, log: (line: string) => void = console.log): Promise<Running> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch((err: Error) => log(`[shutdown] ${err.message}`));
  };
  try {
    const orm = await initORM(config.database);
    closers.push(() => orm.close());
    // Started on first use; stopped after everything that renders (closers run in reverse).
    closers.push(closeRenderPool);
    const secrets = new SecretBox(loadSecretKey(config.secretKey, config.dataDir));
    const now = () => new Date();
    await settingsRepository.get(orm.em.fork(), config.publicUrl);

    const sink = config.mailSink && config.role !== 'worker' ? await startDevSink(config.mailSink) : null;
    if (sink) closers.push(() => sink.stop());

    const jobs = config.role === 'web' ? null : await createJobRunner(config.jobs, { processEvery: config.engine.processEveryMs });
    if (jobs) {
      closers.push(() => jobs.stop());
      await defineHousekeeping(jobs, async () => {
        await sessionRepository.deleteExpired(orm.em.fork(), now());
        await deleteExpiredRateLimits(orm, now());
        await liveRevocationRepository.deleteBefore(orm.em.fork(), new Date(now().getTime() - 86_400_000));
      });
      await jobs.start();
    }

    const events = new EventBus();
    const transport = new TransportPool();
    closers.push(async () => transport.closeAll());
    const mailboxes = incomingMailboxes(config.mailSink?.mailboxes ?? null);
    const credentials = new AccountCredentials(secrets, new AccessTokens({ secrets, now, issuers: config.oauthIssuers }));
    const engine = new Engine({ orm, secrets, transport, credentials, events, now, wallClock: Date.now, random: Math.random, leaseMs: config.engine.leaseMs, attachmentsDir: attachmentsDirOf(config.dataDir), mailboxes, classify: classifyMessage }, jobs, { reconcileEveryMs: config.engine.reconcileEveryMs, accountsPerWorker: config.engine.accountsPerWorker });
    if (jobs) {
      await engine.start();
      // Closers run in reverse: the engine's runs end first, while the job store, the transport and the database still serve them.
      closers.push(() => engine.stop());
    }

    const services: Services = { config, orm, secrets, jobs, sink, now, engine, events, transport };

    if (config.demoData && config.role !== 'worker') {
      const demo = await seedDemo(orm.em.fork(), { secrets, password: config.demoPassword, sinkPort: sink?.port ?? null, now: now() });
      if (demo) log(demo.summary);
    }

    if (config.admin && (await seedAdmin(orm.em.fork(), config.admin.email, config.admin.password))) log(`Created the admin ${config.admin.email}`);

    let url: string | null = null;
    if (config.role !== 'worker') {
      if (!existsSync(`${staticDir}/index.html`)) log('[http] no built UI in build/ (run `npm run build`); serving the API only');
      const app = createApp(services, { staticDir: existsSync(`${staticDir}/index.html`) ? staticDir : undefined, log: process.env.HTTP_LOG === 'on' });
      const server: ServerType = await new Promise((ok) => {
        const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: httpServerOptions(config.http.requestTimeoutMs) }, () => ok(s));
      });
      const hub = attachLiveHub(server as HttpServer, services, {
        authenticate: (token) => signedInUser(orm.em.fork(), token, now()),
        snapshot: (mailingId) => mailingDetail(orm.em.fork(), services, mailingId),
      });
      closers.push(() => hub.close());
      // Revocations made through the other web processes reach this one's sockets through the database.
      const stopRevocations = startRevocationRelay(orm, events, now);
      closers.push(async () => stopRevocations());
      // Without account jobs in this process, what the workers commit reaches the hub through the database.
      if (!jobs) {
        const stopRelay = startDbRelay(orm, events, now);
        closers.push(async () => stopRelay());
      }
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      url = `http://localhost:${port}`;
      log(`Mailroom is running at ${url}`);
    }
    return { services, url, close };
  } catch (err) {
    await close();
    throw err;
  }
}
