import { randomBytes } from 'node:crypto';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { appendHtml } from './render.js';
import { escapeHtml } from './html-to-text.js';

/**
 * One recipient's message as nodemailer options: the rendered parts plus the headers bulk mail
 * needs (RFC 8058 one-click unsubscribe, RFC 2919 List-Id). Pure: the Message-ID and every
 * value come in, so the same input always builds the same message.
 */

export interface BuildMessageInput {
  account: {
    fromName: string;
    fromEmail: string;
    dkim?: { domainName: string; keySelector: string; privateKey: string } | null;
  };
  to: { email: string; name: string | null };
  /** Already rendered for this recipient, signature included. */
  rendered: { subject: string; html: string; text: string };
  /** The recipient's own http(s) unsubscribe link. */
  unsubscribeUrl: string;
  /** An address that takes unsubscribe requests by mail, if the organisation has one. */
  unsubscribeMailto: string | null;
  /** e.g. `mailing-42.mailroom.example.com` */
  listId: string;
  /** `<random@domain>`, made before sending so it is known even when the outcome is not. */
  messageId: string;
  /**
   * When the template itself has no {{ unsubscribe_url }}, a footer carries the link, in the
   * mailing owner's language: its sentence, the link's words in HTML, and the plain-text line
   * with the link. Null: no footer.
   */
  footer: { text: string; link: string; line: string } | null;
  /** Files sent with the message: nodemailer streams each from `path`, so no recipient gets a copy in memory. */
  attachments: { filename: string; contentType: string; path: string; contentId: string | null }[];
  /**
   * Where DKIM signing spools a message with files. The signature header goes before the body but
   * needs the body's hash, so nodemailer holds the whole encoded message until the end: in memory
   * unless it has a folder to spool to past its threshold.
   */
  dkimCacheDir: string | null;
}

/** Past this much body, DKIM signing spools to disk instead of memory. */
const DKIM_MEMORY_BYTES = 1024 * 1024;

/**
 * Header fields the DKIM signature covers: nodemailer's default list (RFC 4871 §5.5 plus the
 * List-* fields). Stated here rather than left to the default, because RFC 8058 one-click only
 * counts when List-Unsubscribe and List-Unsubscribe-Post are both signed, and nodemailer before
 * 10.6.1 left List-Unsubscribe-Post out of its default.
 */
export const DKIM_SIGNED_HEADERS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type',
  'Content-Transfer-Encoding', 'Content-ID', 'Content-Description', 'Resent-Date', 'Resent-From', 'Resent-Sender',
  'Resent-To', 'Resent-Cc', 'Resent-Message-ID', 'In-Reply-To', 'References',
  'List-Id', 'List-Help', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Subscribe', 'List-Post', 'List-Owner', 'List-Archive',
].join(':');

export function newMessageId(domain: string): string {
  return `<${randomBytes(16).toString('hex')}@${domain}>`;
}

function withFooter(rendered: BuildMessageInput['rendered'], url: string, footer: NonNullable<BuildMessageInput['footer']>) {
  const html = appendHtml(
    rendered.html,
    `<p style="margin-top:24px;font-size:12px;color:#666666">${escapeHtml(footer.text)} <a href="${escapeHtml(url)}" style="color:#666666">${escapeHtml(footer.link)}</a></p>`,
  );
  const text = `${rendered.text.trimEnd()}\n\n${footer.text}\n${footer.line}`;
  return { html, text };
}

export function buildMessage(input: BuildMessageInput): Mail.Options {
  const { account, to, rendered, unsubscribeUrl } = input;
  const body = input.footer ? withFooter(rendered, unsubscribeUrl, input.footer) : rendered;
  const unsubscribe = [`<${unsubscribeUrl}>`];
  if (input.unsubscribeMailto) unsubscribe.push(`<mailto:${input.unsubscribeMailto}?subject=unsubscribe>`);
  return {
    from: { name: account.fromName, address: account.fromEmail },
    to: to.name ? { name: to.name, address: to.email } : to.email,
    subject: rendered.subject,
    html: body.html,
    text: body.text,
    messageId: input.messageId,
    headers: {
      'List-Unsubscribe': unsubscribe.join(', '),
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `<${input.listId}>`,
      // Asks auto-responders (vacation replies) not to answer a newsletter.
      Precedence: 'bulk',
    },
    attachments: input.attachments.map((a) => ({
      filename: a.filename, contentType: a.contentType, path: a.path,
      // An inline image is referred to by its Content-ID and shown in place, not listed as an attachment.
      ...(a.contentId ? { cid: a.contentId, contentDisposition: 'inline' as const } : { contentDisposition: 'attachment' as const }),
    })),
    ...(account.dkim ? {
      dkim: {
        ...account.dkim, headerFieldNames: DKIM_SIGNED_HEADERS,
        ...(input.dkimCacheDir && input.attachments.length ? { cacheDir: input.dkimCacheDir, cacheTreshold: DKIM_MEMORY_BYTES } : {}),
      },
    } : {}),
  };
}
