import type { Em } from '../db/orm.js';
import type { Settings } from '../db/entities/settings.entity.js';
import { DomainError } from '../domain/errors.js';
import type { RecipientType } from '../domain/recipient-types.js';
import { SAMPLE_RECIPIENTS } from '../domain/template-variables.js';
import type { SmtpOutcome } from '../domain/smtp-outcome.js';
import { newMessageId } from '../mail/build-message.js';
import { TemplateError } from '../mail/render.js';
import type { EngineContext } from './ports.js';
import { compose } from './compose.js';
import { loadMailingContent } from './delivery.js';
import { usable } from '../domain/account-health.js';

/**
 * Sends the mailing's message to any address, rendered exactly as a real send (with a sample
 * recipient's data), through the owner's own account. It is not recorded in the ledger; its
 * Message-ID is, with the mailing and account, before it leaves, so the mail can be traced back.
 */
export async function sendTest(ctx: EngineContext, em: Em, mailingId: number, to: string, settings: Settings): Promise<SmtpOutcome & { messageId?: string }> {
  const mailing = await loadMailingContent(ctx, em, mailingId);
  if (!mailing?.content) throw new DomainError('precondition', { reason: 'test_message_deleted', params: {} });
  const type = mailing.head.recipientType as RecipientType;
  // Regular accounts first, oldest first.
  const accounts = (await ctx.ledger.accountsOf(em, mailing.head.ownerId)).filter(usable).sort((a, b) => Number(a.main) - Number(b.main) || a.id - b.id);
  const account = accounts[0];
  if (!account) throw new DomainError('precondition', { reason: 'test_no_account', params: {} });
  // Sample data, not a customer's: the address is whatever the user typed.
  const fields = SAMPLE_RECIPIENTS[type];
  const messageId = newMessageId(account.fromEmail.split('@')[1] ?? 'mailroom.local');
  let message;
  try {
    message = await compose(ctx.secrets, {
      mailingId, recipientType: type, content: mailing.content, signature: mailing.signature, account, settings,
      to: { email: to, name: null }, fields, rowId: null, messageId, attachments: mailing.attachments, attachmentsDir: ctx.attachmentsDir, locale: mailing.locale,
    });
  } catch (err) {
    // The author's to fix, as in a preview; the mailing itself is left alone.
    if (err instanceof TemplateError) throw new DomainError('invalid', { reason: 'test_unrenderable', params: { problem: err.problem } });
    throw err;
  }
  await ctx.ledger.recordTestSend(em, { messageId, mailingId, accountId: account.id }, ctx.now());
  const outcome = await ctx.transport.send(account, await ctx.credentials.smtp(em, account), message);
  return outcome.kind === 'sent' ? { ...outcome, messageId } : outcome;
}
