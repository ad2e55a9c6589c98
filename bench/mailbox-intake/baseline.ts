// The baseline: imapflow reading the same mailbox as the intake's reader does (EXAMINE, the UIDs
// by SEARCH, BODY.PEEK[] of FETCH_BATCH messages per FETCH, cut at the same size) and mailparser
// parsing each message with the classifier's options, one after the other; nothing else.
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { FETCH_BATCH, IMAP_LIMITS } from '../../server/mail/imap-mailbox.js';
import { PARSER_OPTIONS } from '../../server/mail/feedback/read-message.js';
import { sampleMemory, summarizeMemory } from './memory.js';
import { SENDER } from './plan.js';
import type { RoundResult } from './results.js';

export async function baseline(port: number, expected: number): Promise<RoundResult> {
  let read = 0;
  let fetchMs = 0;
  const memory = sampleMemory(() => read);
  const started = performance.now();
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user: SENDER.email, pass: SENDER.password }, logger: false, disableAutoIdle: true });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    const uids = ((await client.search({ all: true }, { uid: true })) || []).sort((a, b) => a - b);
    for (let i = 0; i < uids.length; i += FETCH_BATCH) {
      const asked = performance.now();
      const rows = await client.fetchAll(uids.slice(i, i + FETCH_BATCH).join(','), { uid: true, source: { maxLength: IMAP_LIMITS.maxMessageBytes } }, { uid: true });
      fetchMs += performance.now() - asked;
      for (const row of rows.sort((a, b) => a.uid - b.uid)) {
        if (!row.source) continue;
        await simpleParser(row.source, PARSER_OPTIONS);
        read += 1;
      }
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  const wallMs = performance.now() - started;
  const record = memory.stop();
  const seconds = (wallMs - record.collectingMs) / 1000;
  if (read !== expected) throw new Error(`the baseline read ${read} messages, expected ${expected}`);
  return { variant: 'baseline', messages: read, seconds, perSecond: read / seconds, memory: summarizeMemory(record), stages: { fetchMs, parseMs: seconds * 1000 - fetchMs } };
}
