export const RECIPIENT_TYPES = ['company', 'contact', 'lead'] as const;
export type RecipientType = (typeof RECIPIENT_TYPES)[number];
