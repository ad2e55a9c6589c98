import type { Em } from '../orm.js';
import { MessageSchema, type Message } from '../entities/message.entity.js';
import { SignatureSchema, type Signature } from '../entities/signature.entity.js';

/** Messages and the signatures their owners append to them. */
export const messageRepository = {
  byId(em: Em, id: number): Promise<Message | null> {
    return em.findOne(MessageSchema, { id });
  },

  signatureById(em: Em, id: number): Promise<Signature | null> {
    return em.findOne(SignatureSchema, { id });
  },

  /** Makes `signature` its owner's only default: an owner has at most one. */
  async clearOtherDefaults(em: Em, signature: Pick<Signature, 'id' | 'owner'>): Promise<void> {
    await em.nativeUpdate(SignatureSchema, { owner: signature.owner.id, id: { $ne: signature.id }, isDefault: true }, { isDefault: false });
  },

  /** The owner's default signature, if they chose one. */
  defaultSignatureOf(em: Em, ownerId: number): Promise<Signature | null> {
    return em.findOne(SignatureSchema, { owner: ownerId, isDefault: true });
  },

  /** The signature when it is this owner's: nobody signs with another's. */
  ownSignature(em: Em, id: number, ownerId: number): Promise<Signature | null> {
    return em.findOne(SignatureSchema, { id, owner: ownerId });
  },
};
