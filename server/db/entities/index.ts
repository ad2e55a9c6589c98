// Every entity of the model; each file exports one `defineEntity` schema and its inferred type.
export * from './department.entity.js';
export * from './user.entity.js';
export * from './session.entity.js';
export * from './company.entity.js';
export * from './contact.entity.js';
export * from './lead.entity.js';
export * from './email-account.entity.js';
export * from './signature.entity.js';
export * from './message.entity.js';
export * from './mailing.entity.js';
export * from './mailing-recipient.entity.js';
export * from './mailing-event.entity.js';
export * from './suppression.entity.js';
export * from './settings.entity.js';
export * from './test-send.entity.js';
export * from './rate-limit.entity.js';
export * from './live-revocation.entity.js';
