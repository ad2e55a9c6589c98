import type { Em } from '../db/orm.js';
import {
  CompanySchema,
  ContactSchema,
  EmailAccountSchema,
  LeadSchema,
  MailingSchema,
  MessageSchema,
  SignatureSchema,
  type Company,
  type Contact,
  type EmailAccount,
  type Lead,
  type Mailing,
  type Message,
  type Signature,
} from '../db/entities/index.js';
import { DomainError } from '../domain/errors.js';
import { canChange, canSee, type Actor, type Owned } from '../domain/visibility.js';

/**
 * The one access guard for a record a user owns inside a department, for every door in (the API
 * routes and the live hub): what the actor may not see does not exist for them (not_found, so its
 * existence never leaks); what they may see but not change is forbidden.
 */

/** Each owned kind's entity. */
export interface OwnedEntities {
  mailing: Mailing;
  account: EmailAccount;
  signature: Signature;
  message: Message;
  company: Company;
  contact: Contact;
  lead: Lead;
}
export type OwnedKind = keyof OwnedEntities;

interface KindSpec<E> {
  /** The record with what its routes show of it (the owner's name, a contact's company, a message's signature). */
  find(em: Em, id: number): Promise<E | null>;
  missing(id: number): string;
  forbidden: string;
}

const changeOnly = (label: string) => `Only the owner or an admin may change this ${label}`;

const KINDS: { [K in OwnedKind]: KindSpec<OwnedEntities[K]> } = {
  mailing: {
    find: (em, id) => em.findOne(MailingSchema, { id }, { populate: ['owner'] }),
    missing: (id) => `Mailing #${id} not found`,
    forbidden: 'Only the owner of the mailing or an admin may do this',
  },
  account: { find: (em, id) => em.findOne(EmailAccountSchema, { id }, { populate: ['owner'] }), missing: () => 'Account not found', forbidden: changeOnly('account') },
  signature: { find: (em, id) => em.findOne(SignatureSchema, { id }, { populate: ['owner'] }), missing: () => 'Signature not found', forbidden: changeOnly('signature') },
  message: { find: (em, id) => em.findOne(MessageSchema, { id }, { populate: ['owner', 'signature'] }), missing: () => 'Message not found', forbidden: changeOnly('message') },
  company: { find: (em, id) => em.findOne(CompanySchema, { id }, { populate: ['owner'] }), missing: () => 'Company not found', forbidden: changeOnly('company') },
  contact: { find: (em, id) => em.findOne(ContactSchema, { id }, { populate: ['owner', 'company'] }), missing: () => 'Contact not found', forbidden: changeOnly('contact') },
  lead: { find: (em, id) => em.findOne(LeadSchema, { id }, { populate: ['owner'] }), missing: () => 'Lead not found', forbidden: changeOnly('lead') },
};

/** Whose and where a record is: what visibility is decided on. */
export const ownership = (e: { owner: { id: number }; department: { id: number } }): Owned => ({ ownerId: e.owner.id, departmentId: e.department.id });

/** The record `id` of `kind`, if the actor may `see` it (else not_found) or also `change` it (else forbidden). */
export async function loadOwned<K extends OwnedKind>(em: Em, actor: Actor, kind: K, id: number, need: 'see' | 'change'): Promise<OwnedEntities[K]> {
  const spec: KindSpec<OwnedEntities[K]> = KINDS[kind];
  const entity = await spec.find(em, id);
  if (!entity || !canSee(actor, ownership(entity))) throw new DomainError('not_found', spec.missing(id));
  if (need === 'change' && !canChange(actor, ownership(entity))) throw new DomainError('forbidden', spec.forbidden);
  return entity;
}
