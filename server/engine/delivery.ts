import type { Em } from '../db/orm.js';
import type { EmailAccount } from '../db/entities/email-account.entity.js';
import type { Settings } from '../db/entities/settings.entity.js';
import { MessageSchema } from '../db/entities/message.entity.js';
import { SignatureSchema } from '../db/entities/signature.entity.js';
import { ledgerRepository, type ClaimedRecipient } from '../db/repositories/ledger.repository.js';
import { mailingRepository, type MailingHead } from '../db/repositories/mailing.repository.js';
import { MAX_ATTEMPTS, retryDelayMs, type SmtpOutcome } from '../domain/smtp-outcome.js';
import type { RecipientType } from '../domain/recipient-types.js';
import { TemplateError, type MessageContent, type SignatureContent } from '../mail/render.js';
import type { EngineContext } from './ports.js';
import { compose } from './compose.js';
import { loadRecipientFields } from './recipient-fields.js';
import { changeStatus, interrupt } from './mailing-events.js';
import { failAccount } from './account-failure.js';

export type DeliveryResult = 'sent' | 'failed' | 'retry' | 'skipped' | 'stopped' | 'account_failed';

/** A mailing's content as one run of an account job sees it (re-read on the next run). */
export interface MailingContent {
  head: MailingHead;
  content: MessageContent | null;
  signature: SignatureContent | null;
}

export async function loadMailingContent(em: Em, mailingId: number): Promise<MailingContent | null> {
  const head = await mailingRepository.head(em, mailingId);
  if (!head) return null;
  const message = head.messageId ? await em.findOne(MessageSchema, { id: head.messageId }) : null;
  const signature = head.signatureId ? await em.findOne(SignatureSchema, { id: head.signatureId }) : null;
  return {
    head,
    content: message ? { subject: message.subject, html: message.html, text: message.text ?? null } : null,
    signature: signature ? { format: signature.format, body: signature.body } : null,
  };
}

const at = (ctx: EngineContext) => ctx.now().toISOString();

/**
 * One claimed recipient: render → send → record, with one commented branch per outcome.
 * The claim (state `sending`) was committed before this runs, so a crash in here leaves the row
 * to recovery, which marks it uncertain instead of sending it again.
 */
export async function deliver(ctx: EngineContext, em: Em, account: EmailAccount, settings: Settings, claimed: ClaimedRecipient, mailing: MailingContent): Promise<DeliveryResult> {
  const { head } = mailing;
  const base = { mailingId: head.id, departmentId: head.departmentId, ownerId: head.ownerId, rowId: claimed.id, email: claimed.email };

  // The message was deleted: nobody can send this mailing any more.
  if (!mailing.content) {
    await ledgerRepository.release(em, claimed.id, ctx.now());
    await interrupt(ctx, em, head.id, 'The message of this mailing was deleted');
    return 'stopped';
  }
  // The CRM record was deleted, or opted out or was disqualified since the mailing was made: skip it.
  const record = await loadRecipientFields(em, head.recipientType as RecipientType, claimed.recipientId);
  if (!record?.mailable) {
    await ledgerRepository.finish(em, claimed.id, head.id, 'sending', 'skipped', { now: ctx.now(), lastReply: record ? 'Opted out of mass mailing since the mailing was made' : 'The CRM record was deleted' });
    return 'skipped';
  }

  let message;
  let password: string;
  try {
    message = await compose(ctx.secrets, {
      mailingId: head.id, recipientType: head.recipientType as RecipientType, content: mailing.content, signature: mailing.signature,
      account, settings, to: { email: claimed.email, name: claimed.name }, fields: record.fields, rowId: claimed.id, messageId: claimed.messageId,
    });
    password = ctx.secrets.decrypt(account.smtpPasswordEnc);
  } catch (err) {
    // Nothing was sent, so the row goes back to the queue (never to "uncertain"). A template that
    // cannot render, or a secret that cannot be decrypted (changed SECRET_KEY), would fail for
    // everyone: the mailing stops with the reason.
    await ledgerRepository.release(em, claimed.id, ctx.now());
    const reason = err instanceof TemplateError ? `The message cannot be rendered: ${err.message}` : `The message cannot be prepared: ${(err as Error).message}`;
    await interrupt(ctx, em, head.id, reason);
    return 'stopped';
  }

  const outcome: SmtpOutcome = await ctx.transport.send(account, password, message);
  const now = ctx.now();
  switch (outcome.kind) {
    // Accepted by the server: recorded with its Message-ID and the server's reply.
    case 'sent':
      await ledgerRepository.finish(em, claimed.id, head.id, 'sending', 'sent', { now, messageId: claimed.messageId, lastReply: outcome.reply });
      ctx.events.emit({ type: 'recipient.sent', ...base, accountId: account.id, messageId: claimed.messageId, at: at(ctx) });
      return 'sent';

    // Refused for this recipient only: the recipient fails, the mailing goes on with an error.
    case 'recipient':
      await recordFailure(ctx, em, head, claimed, account.id, outcome.reply);
      return 'failed';

    // Try later with backoff; after the last attempt it is a failure like any other.
    case 'temporary': {
      if (claimed.attempts >= MAX_ATTEMPTS) {
        await recordFailure(ctx, em, head, claimed, account.id, `Gave up after ${claimed.attempts} attempts: ${outcome.reply}`);
        return 'failed';
      }
      const dueAt = new Date(now.getTime() + retryDelayMs(claimed.attempts));
      await ledgerRepository.retryLater(em, claimed.id, dueAt, outcome.reply, now);
      ctx.events.emit({ type: 'recipient.retrying', ...base, accountId: account.id, attempts: claimed.attempts, dueAt: dueAt.toISOString(), reply: outcome.reply, at: at(ctx) });
      return 'retry';
    }

    // The mailbox itself is refused: this recipient goes back to the queue (it was never tried),
    // the account turns red and its recipients move to the owner's other accounts.
    case 'account':
      await ledgerRepository.release(em, claimed.id, now);
      await failAccount(ctx, em, account, outcome.code === 535 || outcome.code === 534 || outcome.code === 530 || /auth/i.test(outcome.reply) ? 'auth_failed' : 'sender_refused', outcome.reply);
      return 'account_failed';

    // The message cannot be sent by anyone: stop the mailing.
    case 'critical':
      await ledgerRepository.release(em, claimed.id, now);
      await interrupt(ctx, em, head.id, `The message was refused as a whole: ${outcome.reply}`);
      return 'stopped';

    default: {
      const unhandled: never = outcome;
      throw new Error(`Unhandled outcome ${JSON.stringify(unhandled)}`);
    }
  }
}

async function recordFailure(ctx: EngineContext, em: Em, head: MailingHead, claimed: ClaimedRecipient, accountId: number, reply: string) {
  const now = ctx.now();
  if (!(await ledgerRepository.finish(em, claimed.id, head.id, 'sending', 'failed', { now, lastReply: reply }))) return;
  const text = `${claimed.email}: ${reply}`;
  await mailingRepository.note(em, head.id, 'error', 'recipient_failed', text, now, { recipientEmail: claimed.email, accountId });
  ctx.events.emit({ type: 'recipient.failed', mailingId: head.id, departmentId: head.departmentId, ownerId: head.ownerId, accountId, rowId: claimed.id, email: claimed.email, reply, at: now.toISOString() });
  ctx.events.emit({ type: 'mailing.notification', mailingId: head.id, departmentId: head.departmentId, ownerId: head.ownerId, level: 'error', kind: 'recipient_failed', text, at: now.toISOString() });
  await changeStatus(ctx, em, head.id, 'recipient_failed', null);
}
