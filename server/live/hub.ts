import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import pLimit from 'p-limit';
import type { Services } from '../services.js';
import type { DomainEvent } from '../domain/events.js';
import { DomainError } from '../domain/errors.js';
import { sessionTokenHash } from '../db/repositories/session.repository.js';
import { mailingRepository } from '../db/repositories/mailing.repository.js';
import { sessionTokenOf, type AuthUser } from '../security/session.js';
import { loadOwned } from '../security/owned.js';
import type { MailingDetailDto } from '../read-models/mailing-schemas.js';
import type { ClientToServer, RecipientChangesV1, ServerToClient, SubscribeReply } from './protocol.js';
import { PageWatchers } from './page-watchers.js';
import { recoveryAdapter } from './recovery-adapter.js';
import { originAllowed } from './origin.js';
import { baseRooms, forbiddenRooms, mailingOfRoom, mailingRoom, mailingsOfRooms } from './room-rights.js';
import { Coalescer } from './coalesce.js';
import { progressReader, type Progress } from './progress-reader.js';
import { ProgressFeed } from './progress-feed.js';

type Change = RecipientChangesV1['changes'][number];
type SocketData = { user: AuthUser; token: string };
type LiveSocket = Socket<ClientToServer, ServerToClient, Record<string, never>, SocketData>;

/** How long a dropped connection may come back with its rooms and the pushes it missed. */
const RECOVERY_MS = 2 * 60_000;

/**
 * Each mailing:watch reads the database, so one socket's are answered one at a time, and beyond
 * this many waiting the next is refused at once: a client flooding the event can neither take the
 * connection pool from everyone else nor queue work without bound.
 */
const MAX_WAITING_WATCHES = 8;

/**
 * Mailings one socket may watch at once. A page watches one and lets it go when it closes; a
 * client asking for every mailing it may see would hold a room and a viewer entry for each.
 */
export const MAX_WATCHED_MAILINGS = 20;

/** Rooms: `user:<id>`, `dept:<id>` (a department's mailings), `all` (every department), `mailing:<id>` (one mailing's page). */
const listRooms = (departmentId: number) => ['all', `dept:${departmentId}`];

/** What the hub asks of the rest of Mailroom, given by boot.ts: who holds a session, and what a mailing's page shows. */
export interface LiveAccess {
  /** The user of a session token with their rights now; null when the session is over. */
  authenticate(token: string): Promise<AuthUser | null>;
  /** A mailing's page as the API shows it, for a new watcher; null when it is gone. */
  snapshot(mailingId: number): Promise<MailingDetailDto | null>;
}

/**
 * The one owner of socket.io. The handshake reuses the HTTP session cookie and accepts only pages
 * of Mailroom's own origin; each socket joins the rooms its role may watch, and a mailing's room
 * only after a visibility check. Rooms follow rights as they change: a recovered connection gets
 * back only rooms its user may still be in, and sockets watching mailings that moved away leave
 * them at once. Domain events are pushed to those rooms, progress coalesced to at most 4 pushes a
 * second per mailing.
 */
export function attachLiveHub(httpServer: HttpServer, services: Services, access: LiveAccess) {
  const currentUser = access.authenticate;
  /** The rooms among a socket's that its user may not be in now. */
  const forbidden = async (user: AuthUser, socketId: string, rooms: Iterable<string>) =>
    forbiddenRooms(user, socketId, rooms, await mailingRepository.owned(services.orm.em.fork(), mailingsOfRooms(rooms)));

  /** Whether the user may see the mailing: the API's guard, so a page is watched exactly when it may be opened. */
  const mayWatch = (user: AuthUser, mailingId: number) =>
    loadOwned(services.orm.em.fork(), user, 'mailing', mailingId, 'see').then(
      () => true,
      (err: unknown) => {
        if (err instanceof DomainError && err.code === 'not_found') return false;
        throw err;
      },
    );

  const io = new Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>(httpServer, {
    serveClient: false,
    // skipMiddlewares: false — a recovered connection proves its session again.
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_MS, skipMiddlewares: false },
    // Recovery replays what the old rooms got, before any middleware: only while the session it was
    // joined with is still on and may still be in every one of them.
    adapter: recoveryAdapter(async (session) => {
      const { token } = session.data as Partial<SocketData>;
      const user = token ? await currentUser(token) : null;
      return user !== null && (await forbidden(user, session.sid, session.rooms)).length === 0;
    }),
    allowRequest: (req, callback) => callback(null, originAllowed(req.headers.origin, req.headers.host, services.config.publicUrl)),
  });
  const pages = new PageWatchers(RECOVERY_MS);

  io.use(async (socket, next) => {
    const token = sessionTokenOf(socket.handshake.headers.cookie);
    const user = token ? await currentUser(token).catch(() => null) : null;
    if (!user || !token) return next(new Error('unauthorized'));
    socket.data.user = user;
    socket.data.token = token;
    next();
  });

  const publishViewers = (mailingId: number) => {
    io.to(mailingRoom(mailingId)).emit('mailing:viewers:v1', { mailingId, viewers: pages.viewers(mailingId), at: services.now().toISOString() });
  };
  const view = (socket: LiveSocket, mailingId: number) => pages.open(mailingId, socket.id, { id: socket.data.user.id, name: socket.data.user.name });
  const leave = (socket: LiveSocket, mailingId: number) => {
    void socket.leave(mailingRoom(mailingId));
    if (pages.close(mailingId, socket.id)) publishViewers(mailingId);
  };
  /** Takes a socket out of rooms it may no longer be in, telling it of each mailing it lost. */
  const revoke = (socket: LiveSocket, rooms: string[]) => {
    for (const room of rooms) {
      const mailingId = mailingOfRoom(room);
      if (mailingId === null) {
        void socket.leave(room);
        continue;
      }
      leave(socket, mailingId);
      socket.emit('mailing:gone:v1', { mailingId, at: services.now().toISOString() });
    }
  };
  /**
   * A recovered connection has its rooms back, checked against the session it was recovered with;
   * this handshake's user (normally the same) is checked too. Its mailing pages are then watched
   * again as they were (the client does not ask again).
   */
  const recovered = async (socket: LiveSocket) => {
    try {
      revoke(socket, await forbidden(socket.data.user, socket.id, socket.rooms));
    } catch (err) {
      console.error('[live] checking a recovered connection failed:', err);
      socket.disconnect(true);
      return;
    }
    for (const mailingId of mailingsOfRooms(socket.rooms)) {
      view(socket, mailingId);
      publishViewers(mailingId);
    }
  };
  /** After mailings moved department: every socket watching one its user may no longer see leaves it, and is told. */
  const recheckMailingRooms = async () => {
    const nsp = io.of('/');
    const rooms = [...nsp.adapter.rooms.keys()].filter((room) => mailingOfRoom(room) !== null);
    const mailings = await mailingRepository.owned(services.orm.em.fork(), mailingsOfRooms(rooms));
    for (const room of rooms) {
      for (const socketId of [...(nsp.adapter.rooms.get(room) ?? [])]) {
        const socket = nsp.sockets.get(socketId);
        if (socket) revoke(socket, forbiddenRooms(socket.data.user, socket.id, [room], mailings));
      }
    }
  };

  io.on('connection', (socket: LiveSocket) => {
    const user = socket.data.user;
    void socket.join(baseRooms(user));
    if (socket.recovered) void recovered(socket);

    const watches = pLimit(1);
    socket.on('mailing:watch', (mailingId, reply) => {
      if (typeof reply !== 'function') return;
      if (watches.pendingCount >= MAX_WAITING_WATCHES) return reply({ ok: false, error: 'Too many mailings asked for at once' });
      void watches(() => watchMailing(mailingId, reply));
    });
    const watchMailing = async (mailingId: number, reply: (r: SubscribeReply) => void) => {
      if (socket.disconnected) return;
      try {
        if (!Number.isInteger(mailingId) || mailingId <= 0) return reply({ ok: false, error: 'mailingId must be a positive integer' });
        if (!(await mayWatch(user, mailingId))) return reply({ ok: false, error: 'Mailing not found' });
        if (!socket.rooms.has(mailingRoom(mailingId)) && mailingsOfRooms(socket.rooms).length >= MAX_WATCHED_MAILINGS) {
          return reply({ ok: false, error: `Watching at most ${MAX_WATCHED_MAILINGS} mailings at once` });
        }
        await socket.join(mailingRoom(mailingId));
        view(socket, mailingId);
        const snapshot = await access.snapshot(mailingId);
        if (!snapshot) throw new Error(`mailing ${mailingId} is gone`);
        reply({ ok: true, snapshot, viewers: pages.viewers(mailingId), at: services.now().toISOString() });
        publishViewers(mailingId);
      } catch (err) {
        console.error('[live] mailing:watch failed:', err);
        reply({ ok: false, error: 'Could not load the mailing' });
      }
    };
    socket.on('mailing:unwatch', (mailingId) => leave(socket, mailingId));
    socket.on('disconnect', () => {
      for (const mailingId of pages.dropped(socket.id)) publishViewers(mailingId);
    });
  });

  // The recipient changes go out as they are; the counters come from one database read per
  // push at most, never per event, usually done before the push may leave (progress-feed.ts).
  const readProgress = progressReader();
  const counters = new ProgressFeed<Progress>(
    (mailingId) => readProgress(services.orm.em.fork(), mailingId, services.now()),
    (p, at) => io.to([...listRooms(p.departmentId), mailingRoom(p.mailingId)]).emit('mailing:progress:v1', { ...p, at }),
  );
  const progress = new Coalescer<Change>(
    250,
    (mailingId, changes) => {
      if (changes.length) io.to(mailingRoom(mailingId)).emit('mailing:recipients:v1', { mailingId, changes, at: changes.at(-1)!.at });
      counters.due(mailingId);
    },
    { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
  );
  /** A change of the mailing: its recipient's new state, if it has one and anyone may see it, and fresh counters. */
  const changed = (mailingId: number, at: string, change?: Change) => {
    counters.changed(mailingId, at);
    progress.add(mailingId, change && pages.watched(mailingId) ? change : undefined);
  };

  const onEvent = (e: DomainEvent) => {
    switch (e.type) {
      case 'recipient.sent':
        return changed(e.mailingId, e.at, { rowId: e.rowId, email: e.email, state: 'sent', accountId: e.accountId, reply: null, at: e.at });
      case 'recipient.failed':
        return changed(e.mailingId, e.at, { rowId: e.rowId, email: e.email, state: 'failed', accountId: e.accountId, reply: e.reply, at: e.at });
      case 'recipient.retrying':
        return changed(e.mailingId, e.at, { rowId: e.rowId, email: e.email, state: 'retrying', accountId: e.accountId, reply: e.reply, at: e.at });
      case 'recipient.uncertain':
        return changed(e.mailingId, e.at, { rowId: e.rowId, email: e.email, state: 'uncertain', accountId: null, reply: null, ...(e.outcome ? { outcome: e.outcome } : {}), at: e.at });
      // The row stays sent; its mailbox's answer goes to the page with it.
      case 'recipient.feedback':
        return changed(e.mailingId, e.at, { rowId: e.rowId, email: e.email, state: 'sent', accountId: null, reply: null, feedback: { feedback: e.feedback, status: e.status, note: e.note }, at: e.at });
      case 'recipient.unsubscribed':
      case 'mailing.counters':
        return changed(e.mailingId, e.at);
      case 'mailing.status':
        io.to([...listRooms(e.departmentId), mailingRoom(e.mailingId)]).emit('mailing:status:v1', { mailingId: e.mailingId, departmentId: e.departmentId, ownerId: e.ownerId, status: e.status, reason: e.reason, detail: e.detail, at: e.at });
        io.to(listRooms(e.departmentId)).emit('mailings:changed:v2', { departmentId: e.departmentId, mailingId: e.mailingId, at: e.at });
        return changed(e.mailingId, e.at);
      case 'mailing.notification':
        io.to([...listRooms(e.departmentId), mailingRoom(e.mailingId), `user:${e.ownerId}`]).emit('mailing:notification:v1', { mailingId: e.mailingId, departmentId: e.departmentId, ownerId: e.ownerId, level: e.level, kind: e.kind, params: e.params, text: e.text, at: e.at });
        return;
      case 'account.health':
        io.to([...listRooms(e.departmentId), `user:${e.ownerId}`]).emit('account:health:v1', { accountId: e.accountId, departmentId: e.departmentId, ownerId: e.ownerId, health: e.health, reason: e.reason, detail: e.detail, at: e.at });
        return;
      case 'inbox.health':
        io.to([...listRooms(e.departmentId), `user:${e.ownerId}`]).emit('inbox:health:v1', { accountId: e.accountId, departmentId: e.departmentId, ownerId: e.ownerId, health: e.health, reason: e.reason, detail: e.detail, at: e.at });
        return;
      // Rooms were joined with the rights of the handshake: a socket whose session ended, or whose
      // user's rights changed, closes; the client's next handshake proves the session again.
      case 'session.ended':
        for (const socket of io.of('/').sockets.values()) {
          if (socket.data.user?.id === e.userId && (e.tokenHash === null || sessionTokenHash(socket.data.token) === e.tokenHash)) socket.disconnect(true);
        }
        return;
      case 'mailings.moved':
        recheckMailingRooms().catch((err: Error) => console.error('[live] re-checking mailing rooms failed:', err));
        // The owner's mailings left one department's list and joined another's.
        for (const departmentId of [e.fromDepartmentId, e.departmentId]) {
          if (departmentId !== null) io.to(listRooms(departmentId)).emit('mailings:changed:v2', { departmentId, mailingId: null, at: e.at });
        }
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
