import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { parse as parseCookie } from 'hono/utils/cookie';
import type { Services } from '../services.js';
import { sessionRepository } from '../db/repositories/session.repository.js';
import { SESSION_COOKIE, toAuthUser } from '../http/middleware/session.js';
import type { AuthUser } from '../http/env.js';

/**
 * The one owner of socket.io. The handshake reuses the HTTP session cookie; every socket joins
 * its user's room and the rooms its role may watch.
 */
export function attachLiveHub(httpServer: HttpServer, services: Services) {
  const io = new Server<Record<string, never>, Record<string, never>, Record<string, never>, { user: AuthUser }>(httpServer, {
    serveClient: false,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 },
  });

  io.use(async (socket, next) => {
    const token = parseCookie(socket.handshake.headers.cookie ?? '', SESSION_COOKIE)[SESSION_COOKIE];
    const user = token ? await sessionRepository.findUser(services.orm.em.fork(), token, services.now()) : null;
    if (!user) return next(new Error('unauthorized'));
    socket.data.user = toAuthUser(user);
    next();
  });

  io.on('connection', (socket) => {
    const user = socket.data.user;
    void socket.join(`user:${user.id}`);
    if (user.role === 'admin' || user.role === 'company_manager') void socket.join('dept:*');
    else if (user.departmentId !== null) void socket.join(`dept:${user.departmentId}`);
  });

  return io;
}
