// Why this file exists: it is the one place that turns a JobStoreTarget into a connected agenda,
// so the rest of the engine only ever sees `runner.agenda` and never a storage driver.
// The embedded store is PGlite (Postgres in WebAssembly, persisted in a folder) served on a
// loopback port, so agenda's official PostgresBackend can use it like a real server.
import { mkdir } from 'node:fs/promises';
import { Agenda, type AgendaBackend } from 'agenda';
import { PostgresBackend, type PostgresBackendConfig, type PostgresJobRepository } from '@agendajs/postgres-backend';
import { MongoBackend } from '@agendajs/mongo-backend';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { JobStoreTarget } from '../config.js';

export interface JobRunner {
  agenda: Agenda;
  backend: JobStoreTarget['kind'];
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): Promise<{ ok: boolean; backend: string; detail?: string }>;
}

/** How long stop() lets running jobs finish before it closes the store under them. */
const DRAIN_TIMEOUT_MS = 10_000;

interface Store {
  backend: AgendaBackend;
  /** Where the jobs live, for health(); never includes credentials. */
  where: string;
  close(): Promise<void>;
}

async function openEmbedded(dir: string): Promise<Store> {
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir);
  // PGlite is a single session that runs one query at a time. One pooled connection (max: 1) keeps
  // all of agenda's queries on it; the server still accepts a few sockets so a pool replacing a
  // dropped connection is not refused (extras get a bare "Too many connections" line, not a
  // Postgres error).
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  const backend = postgresBackend({
    poolConfig: { host, port: Number(port), user: 'postgres', database: 'postgres', max: 1 },
    // PGlite has no LISTEN/NOTIFY across connections; agenda polls instead.
    disableNotifications: true,
  });
  return {
    backend,
    where: `pglite ${dir}`,
    close: async () => {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * pg emits 'error' when the server drops an idle connection (restart, pg_terminate_backend), on the
 * pool and on the LISTEN channel; the backend listens to neither, and an unheard 'error' ends the
 * process. The pool replaces the connection and the channel reconnects by itself, so logging is enough.
 */
function postgresBackend(config: PostgresBackendConfig): PostgresBackend {
  const backend = new PostgresBackend(config);
  const report = (error: Error) => console.error(`[jobs] connection to the job store lost: ${error.message}`);
  (backend.repository as PostgresJobRepository).getPool().on('error', report);
  backend.notificationChannel?.on('error', report);
  return backend;
}

async function openStore(target: JobStoreTarget): Promise<Store> {
  switch (target.kind) {
    case 'embedded':
      return openEmbedded(target.dir);
    case 'postgres':
      return { backend: postgresBackend({ connectionString: target.url }), where: withoutCredentials(target.url), close: async () => {} };
    case 'mongodb':
      return { backend: new MongoBackend({ address: target.url }), where: withoutCredentials(target.url), close: async () => {} };
  }
}

/** A regex, not `new URL`: MongoDB seed lists (`host1,host2`) are not valid URL hosts. */
function withoutCredentials(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//').replace(/\?.*$/, '');
}

/**
 * Processes starting together on a fresh Postgres database race on the backend's
 * `CREATE … IF NOT EXISTS` (seen here: 23505 on pg_type/pg_class, 42P07; the trigger and function
 * steps can answer 42710 or "tuple concurrently updated"). The losers only have to try again once
 * the winner's schema is committed.
 */
function isSchemaRace(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === '23505' || code === '42P07' || code === '42710' || (code === 'XX000' && /concurrently/.test(message ?? ''));
}

async function connectWithRetry(backend: AgendaBackend): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await backend.connect();
    } catch (error) {
      if (attempt >= 5 || !isSchemaRace(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
    }
  }
}

/**
 * agenda's constructor calls backend.connect() and never catches it, so a refused connection
 * would become an unhandled rejection. We connect first, where errors reach the caller, and give
 * agenda a view of the backend whose connect() has nothing left to do.
 */
function alreadyConnected(backend: AgendaBackend): AgendaBackend {
  return {
    name: backend.name,
    repository: backend.repository,
    notificationChannel: backend.notificationChannel,
    logger: backend.logger,
    ownsConnection: backend.ownsConnection,
    connect: async () => {},
    disconnect: () => backend.disconnect(),
  };
}

export async function createJobRunner(
  target: JobStoreTarget,
  opts: { processEvery?: number; name?: string } = {},
): Promise<JobRunner> {
  const store = await openStore(target);
  try {
    await connectWithRetry(store.backend);
  } catch (error) {
    await store.backend.disconnect();
    await store.close();
    throw error;
  }
  // processEvery must be a number: agenda 6 parses '200 milliseconds' as 200 seconds.
  const agenda = new Agenda({ backend: alreadyConnected(store.backend), processEvery: opts.processEvery ?? 1000, name: opts.name });
  await agenda.ready;

  let stopping: Promise<void> | undefined;
  const shutdown = async () => {
    try {
      // drain() lets running jobs finish. It is a no-op when start() never ran, which is why we
      // close the connection ourselves rather than through drain().
      await agenda.drain({ timeout: DRAIN_TIMEOUT_MS, closeConnection: false });
    } finally {
      await store.backend.disconnect();
      await store.close();
    }
  };

  return {
    agenda,
    backend: target.kind,
    start: () => agenda.start(),
    stop: () => (stopping ??= shutdown()),
    async health() {
      if (stopping) return { ok: false, backend: target.kind, detail: 'stopped' };
      try {
        const due = await agenda.db.getQueueSize();
        return { ok: true, backend: target.kind, detail: `${store.where}, ${due} job(s) due` };
      } catch (error) {
        return { ok: false, backend: target.kind, detail: `${store.where}: ${(error as Error).message}` };
      }
    },
  };
}
