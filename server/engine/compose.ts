import { join } from 'node:path';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { AttachmentRef } from '../db/repositories/attachment.repository.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Settings } from '../db/entities/settings.entity.js';
import type { EmailAccount } from '../db/entities/email-account.entity.js';
import type { RecipientType } from '../domain/recipient-types.js';
import { variablesFor, type RecipientFields } from '../domain/template-variables.js';
import type { MessageContent, SignatureContent } from '../mail/render.js';
import { renderMessage } from '../mail/render-pool.js';
import { buildMessage } from '../mail/build-message.js';
import { unsubscribeToken } from '../mail/unsubscribe-token.js';
import type { Locale } from '../domain/locales.js';
import { openSecret, UnpreparableError } from '../domain/mailing-interrupts.js';
import { publicTexts, unsubscribeText } from '../mail/public-texts.js';

/** Generic over the recipient kind, so `fields` is the field set of `recipientType`. */
export interface ComposeInput<T extends RecipientType = RecipientType> {
  mailingId: number;
  recipientType: T;
  content: MessageContent;
  signature: SignatureContent | null;
  account: EmailAccount;
  settings: Settings;
  to: { email: string; name: string | null };
  fields: RecipientFields[T];
  /** The ledger row this message is for; null for a test send (its link goes to the preview page). */
  rowId: number | null;
  messageId: string;
  attachments: AttachmentRef[];
  /** Where the files are (EngineContext.attachmentsDir). */
  attachmentsDir: string | undefined;
  /** The mailing owner's language: the words Mailroom itself adds to the message are in it. */
  locale: Locale;
}

function attachmentFiles(refs: AttachmentRef[], dir: string | undefined) {
  if (refs.length && !dir) throw new UnpreparableError({ code: 'no_attachments_folder' });
  return refs.map((a) => ({ filename: a.filename, contentType: a.contentType, contentId: a.contentId, path: join(dir!, a.sha256) }));
}

/**
 * One recipient's finished message: rendered with their variables, signed unsubscribe link,
 * list headers and DKIM. A real send and a test send go through this same function, so a test
 * shows exactly what recipients get.
 */
export async function compose<T extends RecipientType>(secrets: SecretBox, input: ComposeInput<T>): Promise<Mail.Options> {
  const base = input.settings.publicBaseUrl.replace(/\/+$/, '');
  const unsubscribeUrl = input.rowId === null ? `${base}/u/preview` : `${base}/u/${unsubscribeToken(secrets, input.rowId)}`;
  const variables = variablesFor(input.recipientType, input.fields, { unsubscribeUrl, senderName: input.account.fromName });
  // A send waits for room on a full render queue: refusing it would fail a message that is due.
  const rendered = await renderMessage({ content: { ...input.content, signature: input.signature }, variables }, { whenFull: 'wait' });
  const { account } = input;
  const host = new URL(base).hostname;
  const t = publicTexts(input.locale);
  const hasLink = [input.content.subject, input.content.html, input.content.text ?? ''].some((part) => part.includes('unsubscribe_url'));
  return buildMessage({
    account: {
      fromName: account.fromName,
      fromEmail: account.fromEmail,
      dkim: account.dkimDomain && account.dkimSelector && account.dkimPrivateKeyEnc
        ? { domainName: account.dkimDomain, keySelector: account.dkimSelector, privateKey: openSecret((s) => secrets.decrypt(s), account.dkimPrivateKeyEnc) }
        : null,
    },
    to: input.to,
    rendered,
    unsubscribeUrl,
    unsubscribeMailto: input.settings.unsubscribeMailto ?? null,
    listId: `mailing-${input.mailingId}.${host}`,
    messageId: input.messageId,
    footer: hasLink ? null : { text: unsubscribeText(t, input.settings.unsubscribeText), link: t('unsub_title'), line: t('mail_unsubscribe_line', { url: unsubscribeUrl }) },
    attachments: attachmentFiles(input.attachments, input.attachmentsDir),
    dkimCacheDir: input.attachmentsDir ? join(input.attachmentsDir, 'tmp') : null,
  });
}
