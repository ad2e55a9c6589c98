export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

/** Stored health of an account; "green" or "red" on screen is derived from it with the clock. */
export const ACCOUNT_HEALTH = ['unknown', 'ok', 'auth_failed', 'sender_refused', 'unreachable'] as const;
export type AccountHealth = (typeof ACCOUNT_HEALTH)[number];
