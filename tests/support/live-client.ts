import type { Socket } from 'socket.io-client';
import type { ClientToServer, ServerToClient, SubscribeReply } from '../../server/live/protocol.js';

/** Helpers for tests that talk to the live hub as the browser does. */

export type LiveClient = Socket<ServerToClient, ClientToServer>;

/** Resolves once the handshake is accepted; rejects with the hub's refusal. */
export const connected = (s: LiveClient) =>
  new Promise<void>((ok, fail) => {
    if (s.connected) return ok();
    s.once('connect', () => ok());
    s.once('connect_error', fail);
  });

export const watch = (s: LiveClient, id: number) => new Promise<SubscribeReply>((ok) => s.emit('mailing:watch', id, ok));

/** The network goes: the server sees the transport close (as when a laptop loses its Wi-Fi), so the connection may be recovered. */
export async function dropConnection(s: LiveClient): Promise<string> {
  const gone = new Promise<string>((ok) => s.once('disconnect', ok));
  s.io.engine.close();
  return gone;
}
