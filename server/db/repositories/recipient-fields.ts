import type { Em } from '../orm.js';
import { anyRecipientSchema, rowsOfKind, type RecipientEntity } from './recipient.repository.js';
import type { RecipientType } from '../../domain/recipient-types.js';
import type { RecipientFields } from '../../domain/template-variables.js';

export interface RecipientRecord<T extends RecipientType> {
  fields: RecipientFields[T];
  /** False when opted out or disqualified since the mailing was made. */
  mailable: boolean;
}

/**
 * The CRM records behind a run's ledger rows, as template fields, in one query; a deleted record
 * is simply missing from the map.
 */
export async function loadRecipientFields<T extends RecipientType>(em: Em, type: T, ids: number[]): Promise<Map<number, RecipientRecord<T>>> {
  const entities = rowsOfKind(type, await em.find(anyRecipientSchema(type), { id: { $in: ids } }, type === 'contact' ? { populate: ['company'] } : {}));
  return new Map(entities.map((entity) => [entity.id, { mailable: entity.massMailing && !entity.disqualified, fields: fieldsOf(type, entity) }]));
}

function fieldsOf<T extends RecipientType>(type: T, entity: RecipientEntity[T]): RecipientFields[T] {
  const common = { email: entity.email ?? null, country: entity.country ?? null };
  if (type === 'company') {
    const c = entity as RecipientEntity['company'];
    return { ...common, name: c.name, website: c.website ?? null } as RecipientFields[T];
  }
  const person = entity as RecipientEntity['contact'] | RecipientEntity['lead'];
  const companyName = 'company' in person ? person.company.getEntity().name : ((person as RecipientEntity['lead']).companyName ?? null);
  return { ...common, firstName: person.firstName, lastName: person.lastName ?? null, title: person.title ?? null, companyName } as RecipientFields[T];
}
