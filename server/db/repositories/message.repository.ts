import type { Em } from '../orm.js';
import { MessageSchema, type Message } from '../entities/message.entity.js';
import { SignatureSchema, type Signature } from '../entities/signature.entity.js';

/** Messages and the signatures their owners append to them. */
export const messageRepository = {
  byId(em: Em, id: number): Promise<Message | null> {
    return em.findOne(MessageSchema, { id });
  },

  /** The signature when it is this owner's: nobody signs with another's. */
  ownSignature(em: Em, id: number, ownerId: number): Promise<Signature | null> {
    return em.findOne(SignatureSchema, { id, owner: ownerId });
  },
};
