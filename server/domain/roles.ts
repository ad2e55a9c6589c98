export const ROLES = ['admin', 'company_manager', 'team_lead', 'sales_manager'] as const;
export type Role = (typeof ROLES)[number];
