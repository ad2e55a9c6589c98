import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { describe, expect, it } from 'vitest';
import { buildMessage, newMessageId, type BuildMessageInput } from '../../server/mail/build-message.js';

const URL = 'https://mailroom.example.com/u/16.abcdefghijklmnopqrstuv';

function input(over: Partial<BuildMessageInput> = {}): BuildMessageInput {
  return {
    account: { fromName: 'Ann Sales', fromEmail: 'ann@crm.example.com', dkim: null },
    to: { email: 'jane@acme.example', name: 'Jane Doe' },
    rendered: { subject: 'Autumn news', html: '<html><body><p>Hello Jane</p></body></html>', text: 'Hello Jane' },
    unsubscribeUrl: URL,
    unsubscribeMailto: null,
    listId: 'mailing-42.mailroom.example.com',
    messageId: '<0123abcd@crm.example.com>',
    footer: null,
    attachments: [],
    dkimCacheDir: null,
    ...over,
  };
}

/** The header section of the raw message, unfolded, as `name → value` (first occurrence). */
function headersOf(raw: string): Map<string, string> {
  const section = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const map = new Map<string, string>();
  for (const line of section.split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    if (!map.has(name)) map.set(name, line.slice(colon + 1).trim());
  }
  return map;
}

const compose = async (message: Mail.Options) => (await new MailComposer(message).compile().build()).toString();

describe('buildMessage', () => {
  // Gmail and Yahoo require RFC 8058 one-click unsubscribe from bulk senders: both headers, on the wire.
  it('writes the bulk-mail headers into the raw message', async () => {
    const headers = headersOf(await compose(buildMessage(input())));
    expect(headers.get('list-unsubscribe')).toBe(`<${URL}>`);
    expect(headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(headers.get('list-id')).toBe('<mailing-42.mailroom.example.com>');
    expect(headers.get('precedence')).toBe('bulk');
    expect(headers.get('message-id')).toBe('<0123abcd@crm.example.com>');
    expect(headers.get('from')).toBe('Ann Sales <ann@crm.example.com>');
    expect(headers.get('to')).toBe('Jane Doe <jane@acme.example>');
    expect(headers.get('subject')).toBe('Autumn news');
    // Auto-Submitted is for automatic replies, not newsletters.
    expect(headers.has('auto-submitted')).toBe(false);
  });

  it('adds the mailto unsubscribe only when one is configured', async () => {
    const headers = headersOf(await compose(buildMessage(input({ unsubscribeMailto: 'unsubscribe@crm.example.com' }))));
    expect(headers.get('list-unsubscribe')).toBe(`<${URL}>, <mailto:unsubscribe@crm.example.com?subject=unsubscribe>`);
  });

  it('addresses a recipient without a name by address alone', () => {
    expect(buildMessage(input({ to: { email: 'info@acme.example', name: null } })).to).toBe('info@acme.example');
  });

  // A template without {{ unsubscribe_url }} still gives every reader a visible way out.
  it('appends an escaped footer with the link to both parts only when asked', () => {
    const plain = buildMessage(input());
    expect(plain.html).toBe('<html><body><p>Hello Jane</p></body></html>');
    expect(plain.text).toBe('Hello Jane');

    const footed = buildMessage(input({ footer: { text: 'You receive this because you are our customer & "friend".', link: 'Abmelden <hier>', line: `Abmelden: ${URL}` } }));
    const html = footed.html as string;
    expect(html).toContain(`<a href="${URL}"`);
    expect(html).toContain('our customer &amp; &quot;friend&quot;.');
    // Inside the body, not after it.
    expect(html.indexOf('Abmelden &lt;hier&gt;</a>')).toBeLessThan(html.indexOf('</body>'));
    expect(footed.text).toBe(`Hello Jane\n\nYou receive this because you are our customer & "friend".\nAbmelden: ${URL}`);
  });

  it('leaves DKIM out when the account has no key', () => {
    expect(buildMessage(input()).dkim).toBeUndefined();
  });

  // RFC 8058: one-click counts only when the DKIM signature covers List-Unsubscribe and List-Unsubscribe-Post.
  it('signs the unsubscribe headers with DKIM', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const message = buildMessage(input({ account: { fromName: 'Ann', fromEmail: 'ann@crm.example.com', dkim: { domainName: 'crm.example.com', keySelector: 'mr2026', privateKey } } }));
    expect(message.dkim?.headerFieldNames?.split(':')).toEqual(expect.arrayContaining(['List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Id', 'From', 'Subject']));

    // sendMail (through a transport that only writes the message out) is where nodemailer applies a message's DKIM option.
    const info = await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(message);
    const signature = headersOf(info.message.toString()).get('dkim-signature')!;
    const tags = Object.fromEntries(signature.split(';').map((t) => t.trim().split(/=(.*)/s).slice(0, 2)));
    expect(tags.d).toBe('crm.example.com');
    expect(tags.s).toBe('mr2026');
    expect(tags.h.replace(/\s+/g, '').split(':')).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post', 'list-id', 'from', 'subject', 'message-id']));
  });
});

describe('buildMessage with files', () => {
  // Files go by path (nodemailer streams them), inline images by Content-ID, and DKIM signing of
  // a message with files spools to disk instead of holding the whole encoded message in memory.
  it('streams each file from disk, marks inline images, and spools DKIM signing to the given folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'build-message-'));
    try {
      const bytes = randomBytes(3 * 1024 * 1024);
      writeFileSync(join(dir, 'file'), bytes);
      mkdirSync(join(dir, 'spool'));
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
      const message = buildMessage(input({
        account: { fromName: 'Ann', fromEmail: 'ann@crm.example.com', dkim: { domainName: 'crm.example.com', keySelector: 'mr2026', privateKey } },
        rendered: { subject: 'Files', html: '<p><img src="cid:logo.png"></p>', text: 'Files' },
        attachments: [
          { filename: 'data.bin.pdf', contentType: 'application/pdf', path: join(dir, 'file'), contentId: null },
          { filename: 'logo.png', contentType: 'image/png', path: join(dir, 'file'), contentId: 'logo.png' },
        ],
        dkimCacheDir: join(dir, 'spool'),
      }));
      expect(message.attachments?.map((a) => ({ path: a.path, content: a.content }))).toEqual([{ path: join(dir, 'file'), content: undefined }, { path: join(dir, 'file'), content: undefined }]);
      expect(message.dkim).toMatchObject({ cacheDir: join(dir, 'spool'), cacheTreshold: 1024 * 1024 });
      const info = await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(message);
      const raw = info.message as Buffer;
      expect(headersOf(raw.toString()).get('dkim-signature')).toMatch(/d=crm\.example\.com/);
      const parsed = await simpleParser(raw);
      // The inline image sits in the multipart/related part, before the mixed part's attachment.
      expect(parsed.attachments.map((a) => [a.filename, a.contentDisposition, a.contentId ?? null, a.content.equals(bytes)]).sort()).toEqual([
        ['data.bin.pdf', 'attachment', null, true],
        ['logo.png', 'inline', '<logo.png>', true],
      ]);
      // The spool file is gone once the message is out.
      expect(readdirSync(join(dir, 'spool'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps DKIM in memory for a message without files', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const message = buildMessage(input({ account: { fromName: 'Ann', fromEmail: 'ann@crm.example.com', dkim: { domainName: 'crm.example.com', keySelector: 's', privateKey } }, dkimCacheDir: '/tmp/x' }));
    expect(message.dkim).not.toHaveProperty('cacheDir');
    expect(message.attachments).toEqual([]);
  });
});

describe('newMessageId', () => {
  it('makes a unique, bracketed id on the given domain', () => {
    const a = newMessageId('crm.example.com');
    expect(a).toMatch(/^<[0-9a-f]{32}@crm\.example\.com>$/);
    expect(newMessageId('crm.example.com')).not.toBe(a);
  });
});
