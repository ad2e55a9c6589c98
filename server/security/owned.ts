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
import type { Refusal } from '../domain/refusals.js';
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
  missing(id: number): Refusal;
  forbidden: Refusal;
}

const refusal = (reason: 'account_not_found' | 'signature_not_found' | 'message_not_found' | 'company_not_found' | 'contact_not_found' | 'lead_not_found'
  | 'account_owner_only' | 'signature_owner_only' | 'message_owner_only' | 'company_owner_only' | 'contact_owner_only' | 'lead_owner_only'): Refusal => ({ reason, params: {} });

const KINDS: { [K in OwnedKind]: KindSpec<OwnedEntities[K]> } = {
  mailing: {
    find: (em, id) => em.findOne(MailingSchema, { id }, { populate: ['owner'] }),
    missing: (id) => ({ reason: 'mailing_number_not_found', params: { id } }),
    forbidden: { reason: 'mailing_owner_only', params: {} },
  },
  account: { find: (em, id) => em.findOne(EmailAccountSchema, { id }, { populate: ['owner'] }), missing: () => refusal('account_not_found'), forbidden: refusal('account_owner_only') },
  signature: { find: (em, id) => em.findOne(SignatureSchema, { id }, { populate: ['owner'] }), missing: () => refusal('signature_not_found'), forbidden: refusal('signature_owner_only') },
  message: { find: (em, id) => em.findOne(MessageSchema, { id }, { populate: ['owner', 'signature'] }), missing: () => refusal('message_not_found'), forbidden: refusal('message_owner_only') },
  company: { find: (em, id) => em.findOne(CompanySchema, { id }, { populate: ['owner'] }), missing: () => refusal('company_not_found'), forbidden: refusal('company_owner_only') },
  contact: { find: (em, id) => em.findOne(ContactSchema, { id }, { populate: ['owner', 'company'] }), missing: () => refusal('contact_not_found'), forbidden: refusal('contact_owner_only') },
  lead: { find: (em, id) => em.findOne(LeadSchema, { id }, { populate: ['owner'] }), missing: () => refusal('lead_not_found'), forbidden: refusal('lead_owner_only') },
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
