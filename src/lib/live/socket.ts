import { io, type Socket } from 'socket.io-client';
import type { ClientToServer, ServerToClient, SubscribeReply } from '$server/live/protocol';
import { m } from '$lib/paraglide/messages';

/**
 * The only socket.io-client import: one socket to the live hub, typed by the shared protocol,
 * open while someone is signed in. The hub puts it in its rooms from the session cookie;
 * socket.io reconnects on its own. When a reconnect could not recover the missed pushes, the
 * `onResync` listeners reload what they show, and watched mailings are watched again.
 */

type LiveSocket = Socket<ServerToClient, ClientToServer>;
export type LiveEvent = keyof ServerToClient;

/** How long a watch request waits for the hub's snapshot. */
const WATCH_TIMEOUT_MS = 10_000;

let socket: LiveSocket | null = null;
let connectedBefore = false;
const statusListeners = new Set<(connected: boolean) => void>();
const resyncListeners = new Set<() => void>();

function theSocket(): LiveSocket {
  if (socket) return socket;
  const s: LiveSocket = io({ autoConnect: false, withCredentials: true });
  s.on('connect', () => {
    for (const fn of statusListeners) fn(true);
    // A first connection has nothing to catch up on; a later one without recovery missed pushes.
    if (connectedBefore && !s.recovered) for (const fn of resyncListeners) fn();
    connectedBefore = true;
  });
  s.on('disconnect', (reason) => {
    for (const fn of statusListeners) fn(false);
    // The hub closes a socket whose user's rights changed: a new handshake joins the right rooms
    // (and fails, leaving it closed, when the session is gone).
    if (reason === 'io server disconnect') s.connect();
  });
  socket = s;
  return s;
}

export const live = {
  /** Opens the socket (the signed-in layout calls this); a no-op when already open. */
  connect() {
    const s = theSocket();
    if (!s.connected) s.connect();
  },

  /** Closes it on sign-out, so the next user's socket is a new handshake with their cookie. */
  disconnect() {
    socket?.disconnect();
    connectedBefore = false;
  },

  /** Listens to one pushed event; returns the unsubscribe. */
  on<E extends LiveEvent>(event: E, fn: ServerToClient[E]): () => void {
    const s = theSocket();
    // socket.io's listener type cannot follow a generic event name; the signature above keeps callers exact.
    s.on(event, fn as never);
    return () => void s.off(event, fn as never);
  },

  /** Connection state now and on every change; returns the unsubscribe. */
  onStatus(fn: (connected: boolean) => void): () => void {
    statusListeners.add(fn);
    fn(socket?.connected ?? false);
    return () => void statusListeners.delete(fn);
  },

  /** Called after a reconnect that lost pushes: reload what is on screen. */
  onResync(fn: () => void): () => void {
    resyncListeners.add(fn);
    return () => void resyncListeners.delete(fn);
  },

  /**
   * Watches one mailing: the hub answers with a snapshot and the viewers, then pushes its
   * recipient changes and viewers. Asked again after every connect that did not recover the
   * socket's rooms. Returns the unwatch.
   */
  watch(mailingId: number, onreply: (reply: SubscribeReply) => void): () => void {
    const s = theSocket();
    const ask = () =>
      s.timeout(WATCH_TIMEOUT_MS).emit('mailing:watch', mailingId, (err: Error | null, reply: SubscribeReply) => {
        onreply(err ? { ok: false, error: m.live_no_answer() } : reply);
      });
    const onConnect = () => {
      if (!s.recovered) ask();
    };
    s.on('connect', onConnect);
    if (s.connected) ask();
    return () => {
      s.off('connect', onConnect);
      if (s.connected) s.emit('mailing:unwatch', mailingId);
    };
  },
};
