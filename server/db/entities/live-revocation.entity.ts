import { defineEntity, type InferEntity } from '@mikro-orm/core';

/**
 * A revocation of live rights (a session ended, an owner's mailings moved), written in the same
 * transaction as the change. Every web process reads the rows the others wrote and acts on them,
 * so a socket loses its rooms whichever process it is connected to (server/live/revocation-relay.ts).
 */
export const LiveRevocationSchema = defineEntity({
  name: 'LiveRevocation',
  tableName: 'live_revocations',
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    /** The event bus (one per process) that acted on it at once; that process skips the row. */
    origin: p.string().length(36),
    /** The domain event as emitted, in JSON (text: MariaDB's JSON columns read back as strings anyway). */
    event: p.text(),
    createdAt: p.datetime().index(),
  }),
});

export type LiveRevocation = InferEntity<typeof LiveRevocationSchema>;
