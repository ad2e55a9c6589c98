import type { Em } from '../db/orm.js';
import { recipientSchemas, type RecipientEntity } from '../db/repositories/recipient.repository.js';
import type { RecipientType } from '../domain/recipient-types.js';
import type { RecipientFields } from '../domain/template-variables.js';

/**
 * The CRM record behind a ledger row, as template fields, and whether it may still be mailed
 * (opted out or disqualified since the mailing was made); null when the record was deleted.
 */
export async function loadRecipientFields<T extends RecipientType>(em: Em, type: T, id: number): Promise<{ fields: RecipientFields[T]; mailable: boolean } | null> {
  const entity = (await em.findOne(recipientSchemas[type] as never, { id } as never, type === 'contact' ? { populate: ['company'] as never[] } : {})) as RecipientEntity[T] | null;
  if (!entity) return null;
  const mailable = entity.massMailing && !entity.disqualified;
  const common = { email: entity.email ?? null, country: entity.country ?? null };
  if (type === 'company') {
    const c = entity as RecipientEntity['company'];
    return { mailable, fields: { ...common, name: c.name, website: c.website ?? null } as RecipientFields[T] };
  }
  const person = entity as RecipientEntity['contact'] | RecipientEntity['lead'];
  const companyName = 'company' in person ? person.company.getEntity().name : ((person as RecipientEntity['lead']).companyName ?? null);
  return { mailable, fields: { ...common, firstName: person.firstName, lastName: person.lastName ?? null, title: person.title ?? null, companyName } as RecipientFields[T] };
}
