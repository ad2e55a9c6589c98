import type { Role } from '$server/domain/roles';
import type { RecipientType } from '$server/domain/recipient-types';

/** Display names of the server's enums. */

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  company_manager: 'Company manager',
  team_lead: 'Team lead',
  sales_manager: 'Sales manager',
};

export const RECIPIENT_TYPE_LABELS: Record<RecipientType, string> = {
  company: 'Companies',
  contact: 'Contacts',
  lead: 'Leads',
};

/** luxon weekdays, 1 = Monday. */
export const WEEKDAYS = [
  { value: 1, label: 'Monday' },
  { value: 2, label: 'Tuesday' },
  { value: 3, label: 'Wednesday' },
  { value: 4, label: 'Thursday' },
  { value: 5, label: 'Friday' },
  { value: 6, label: 'Saturday' },
  { value: 7, label: 'Sunday' },
] as const;
