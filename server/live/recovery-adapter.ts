import { SessionAwareAdapter, type PrivateSessionId, type Session } from 'socket.io-adapter';

/**
 * socket.io's connection-state recovery gives a returning socket the rooms it had and replays the
 * pushes they got meanwhile, before any middleware runs. Those rooms were joined with the rights
 * of an earlier handshake: after a move to another department, a mailing moving away or the end
 * of the session, neither the rooms nor their pushes may come back. This adapter recovers a
 * session only while `mayRecover` says every room is still allowed; otherwise the client
 * connects afresh, joins what its rights allow now, and reloads what it shows.
 */
export function recoveryAdapter(mayRecover: (session: Session) => Promise<boolean>) {
  return class RecoveryAdapter extends SessionAwareAdapter {
    override async restoreSession(pid: PrivateSessionId, offset: string): Promise<Session> {
      const session = await super.restoreSession(pid, offset);
      if (!session) return session;
      // A check that fails (the database is away) recovers nothing, which is always safe.
      const allowed = await mayRecover(session).catch((err: Error) => {
        console.error('[live] checking a recovered connection failed:', err.message);
        return false;
      });
      // socket.io's own contract: a session it cannot restore is answered with null.
      return allowed ? session : (null as unknown as Session);
    }
  };
}
