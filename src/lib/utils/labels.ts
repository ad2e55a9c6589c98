import type { Role } from '$server/domain/roles';
import type { RecipientType } from '$server/domain/recipient-types';
import { m } from '$lib/paraglide/messages';
import { translated } from '$lib/i18n/translated';
import { formatParts } from './format';

/** Display names of the server's enums, in the UI's language. */

export const ROLE_LABELS: Record<Role, string> = translated({
  admin: m.role_admin,
  company_manager: m.role_company_manager,
  team_lead: m.role_team_lead,
  sales_manager: m.role_sales_manager,
});

export const RECIPIENT_TYPE_LABELS: Record<RecipientType, string> = translated({
  company: m.type_companies,
  contact: m.type_contacts,
  lead: m.type_leads,
});

/** luxon weekdays, 1 = Monday, named by Intl (5 January 2026 was a Monday). */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7].map((value) => ({
  value,
  get label() {
    return formatParts(new Date(Date.UTC(2026, 0, 4 + value)), { weekday: 'long', timeZone: 'UTC' });
  },
}));
