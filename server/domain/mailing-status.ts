export const MAILING_STATUSES = ['active', 'active_error', 'paused', 'interrupted', 'done', 'cancelled'] as const;
export type MailingStatus = (typeof MAILING_STATUSES)[number];

export const EVENT_LEVELS = ['info', 'warning', 'error', 'critical'] as const;
export type EventLevel = (typeof EVENT_LEVELS)[number];
