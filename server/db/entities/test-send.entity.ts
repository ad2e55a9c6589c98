import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { MailingSchema } from './mailing.entity.js';
import { EmailAccountSchema } from './email-account.entity.js';

/**
 * A test send: its Message-ID, the mailing it showed and the account it went through. Test sends
 * stay out of the ledger, yet whoever reads the mail they produced (the outbox) must know which
 * mailing, and so which department, it belongs to from Mailroom's own record, never from a header.
 */
export const TestSendSchema = defineEntity({
  name: 'TestSend',
  tableName: 'test_sends',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    messageId: p.string().length(300).unique(),
    mailing: p.manyToOne(MailingSchema).ref().deleteRule('cascade'),
    account: p.manyToOne(EmailAccountSchema).ref().nullable().deleteRule('set null'),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});

export type TestSend = InferEntity<typeof TestSendSchema>;
