import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { parse as parseCookie } from 'hono/utils/cookie';
import type { Services } from '../services.js';
import type { DomainEvent } from '../domain/events.js';
import { canSee, seesAllDepartments } from '../domain/visibility.js';
import { sessionRepository } from '../db/repositories/session.repository.js';
import { mailingRepository } from '../db/repositories/mailing.repository.js';
import { SESSION_COOKIE, toAuthUser } from '../http/middleware/session.js';
import type { AuthUser } from '../http/env.js';
import { mailingDetail, mailingDtos, todayStart } from '../http/views/mailing-view.js';
import { listMailings } from '../db/repositories/mailing-list.repository.js';
import { settingsRepository } from '../db/repositories/settings.repository.js';
import type { ClientToServer, RecipientChangesV1, ServerToClient, Viewer } from './protocol.js';
import { Coalescer } from './coalesce.js';

type LiveSocket = Socket<ClientToServer, ServerToClient, Record<string, never>, { user: AuthUser }>;

/** Rooms: `user:<id>`, `dept:<id>` (a department's mailings), `all` (every department), `mailing:<id>` (one mailing's page). */
const listRooms = (departmentId: number) => ['all', `dept:${departmentId}`];

/**
 * The one owner of socket.io. The handshake reuses the HTTP session cookie; each socket joins the
 * rooms its role may watch, and a mailing's room only after a visibility check. Domain events are
 * pushed to those rooms, progress coalesced to at most 4 pushes a second per mailing.
 */
export function attachLiveHub(httpServer: HttpServer, services: Services) {
  const io = new Server<ClientToServer, ServerToClient, Record<string, never>, { user: AuthUser }>(httpServer, {
    serveClient: false,
    // skipMiddlewares: false — a recovered connection proves its session again.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
  });
  const viewers = new Map<number, Map<string, Viewer>>();

  io.use(async (socket, next) => {
    const token = parseCookie(socket.handshake.headers.cookie ?? '', SESSION_COOKIE)[SESSION_COOKIE];
    const user = token ? await sessionRepository.findUser(services.orm.em.fork(), token, services.now()).catch(() => null) : null;
    if (!user) return next(new Error('unauthorized'));
    socket.data.user = toAuthUser(user);
    next();
  });

  const publishViewers = (mailingId: number) => {
    const list = [...new Map([...(viewers.get(mailingId)?.values() ?? [])].map((v) => [v.id, v])).values()];
    io.to(`mailing:${mailingId}`).emit('mailing:viewers:v1', { mailingId, viewers: list, at: services.now().toISOString() });
  };
  const leave = (socket: LiveSocket, mailingId: number) => {
    void socket.leave(`mailing:${mailingId}`);
    if (viewers.get(mailingId)?.delete(socket.id)) publishViewers(mailingId);
  };

  io.on('connection', (socket: LiveSocket) => {
    const user = socket.data.user;
    // A recovered connection keeps its rooms; joining again is harmless.
    void socket.join(`user:${user.id}`);
    void socket.join(seesAllDepartments(user) ? 'all' : `dept:${user.departmentId ?? 'none'}`);

    socket.on('mailing:watch', async (mailingId, reply) => {
      if (typeof reply !== 'function') return;
      try {
        if (!Number.isInteger(mailingId) || mailingId <= 0) return reply({ ok: false, error: 'mailingId must be a positive integer' });
        const em = services.orm.em.fork();
        const head = await mailingRepository.head(em, mailingId);
        if (!head || !canSee(user, { ownerId: head.ownerId, departmentId: head.departmentId })) return reply({ ok: false, error: 'Mailing not found' });
        await socket.join(`mailing:${mailingId}`);
        if (!viewers.has(mailingId)) viewers.set(mailingId, new Map());
        viewers.get(mailingId)!.set(socket.id, { id: user.id, name: user.name });
        const snapshot = await mailingDetail(em, services, mailingId);
        reply({ ok: true, snapshot, viewers: [...new Map([...viewers.get(mailingId)!.values()].map((v) => [v.id, v])).values()], at: services.now().toISOString() });
        publishViewers(mailingId);
      } catch (err) {
        console.error('[live] mailing:watch failed:', err);
        reply({ ok: false, error: 'Could not load the mailing' });
      }
    });
    socket.on('mailing:unwatch', (mailingId) => leave(socket, mailingId));
    socket.on('disconnect', () => {
      for (const [mailingId, list] of viewers) if (list.has(socket.id)) leave(socket, mailingId);
    });
  });

  const progress = new Coalescer<RecipientChangesV1['changes'][number]>(250, (mailingId, changes) => void pushProgress(mailingId, changes), {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  });

  async function pushProgress(mailingId: number, changes: RecipientChangesV1['changes']) {
    try {
      const em = services.orm.em.fork();
      const now = services.now();
      const settings = await settingsRepository.get(em, services.config.publicUrl);
      const { rows: [row] } = await listMailings(em, null, { ids: [mailingId] }, { page: 1, pageSize: 1 }, todayStart(settings, now));
      if (!row) return;
      const [m] = await mailingDtos(em, [row], settings, now, 0);
      const at = changes.at(-1)?.at ?? now.toISOString();
      io.to([...listRooms(m.departmentId), `mailing:${mailingId}`]).emit('mailing:progress:v1', {
        mailingId, departmentId: m.departmentId, ownerId: m.ownerId, status: m.status, total: m.total, sent: m.sent, failed: m.failed,
        skipped: m.skipped, uncertain: m.uncertain, completion: m.completion, sentToday: m.sentToday, at,
      });
      if (changes.length) io.to(`mailing:${mailingId}`).emit('mailing:recipients:v1', { mailingId, changes, at });
    } catch (err) {
      console.error('[live] progress push failed:', err);
    }
  }

  const onEvent = (e: DomainEvent) => {
    switch (e.type) {
      case 'recipient.sent':
        return progress.add(e.mailingId, { rowId: e.rowId, email: e.email, state: 'sent', accountId: e.accountId, reply: null, at: e.at });
      case 'recipient.failed':
        return progress.add(e.mailingId, { rowId: e.rowId, email: e.email, state: 'failed', accountId: e.accountId, reply: e.reply, at: e.at });
      case 'recipient.retrying':
        return progress.add(e.mailingId, { rowId: e.rowId, email: e.email, state: 'retrying', accountId: e.accountId, reply: e.reply, at: e.at });
      case 'recipient.uncertain':
        return progress.add(e.mailingId, { rowId: e.rowId, email: e.email, state: 'uncertain', accountId: null, reply: null, at: e.at });
      case 'recipient.unsubscribed':
      case 'mailing.counters':
        return progress.add(e.mailingId);
      case 'mailing.status':
        io.to([...listRooms(e.departmentId), `mailing:${e.mailingId}`]).emit('mailing:status:v1', { mailingId: e.mailingId, departmentId: e.departmentId, ownerId: e.ownerId, status: e.status, reason: e.reason, at: e.at });
        io.to(listRooms(e.departmentId)).emit('mailings:changed:v1', { departmentId: e.departmentId, mailingId: e.mailingId, at: e.at });
        return progress.add(e.mailingId);
      case 'mailing.notification':
        io.to([...listRooms(e.departmentId), `mailing:${e.mailingId}`, `user:${e.ownerId}`]).emit('mailing:notification:v1', { mailingId: e.mailingId, departmentId: e.departmentId, ownerId: e.ownerId, level: e.level, kind: e.kind, text: e.text, at: e.at });
        return;
      case 'account.health':
        io.to([...listRooms(e.departmentId), `user:${e.ownerId}`]).emit('account:health:v1', { accountId: e.accountId, departmentId: e.departmentId, ownerId: e.ownerId, health: e.health, reason: e.reason, at: e.at });
        return;
      default: {
        const unhandled: never = e;
        throw new Error(`Unhandled event ${JSON.stringify(unhandled)}`);
      }
    }
  };
  const off = services.events.on(onEvent);

  return {
    io,
    async close() {
      off();
      progress.stop();
      await new Promise<void>((ok) => void io.close(() => ok()));
    },
  };
}
