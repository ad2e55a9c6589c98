import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { depositInSink, sinkMailboxes } from '../../server/mail/sink-mailbox.js';
import { sinkAnswers } from '../../server/mail/sink-responder.js';
import { MailboxError } from '../../server/domain/inbox.js';
import type { MailboxSession } from '../../server/engine/ports.js';

const root = mkdtempSync(join(tmpdir(), 'sink-mailbox-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const login = (user: string) => ({ kind: 'sink' as const, accountId: 1, host: '127.0.0.1', port: 2525, security: 'none' as const, user });
const all = async (session: MailboxSession, from: number) => {
  const out: { uid: number; text: string }[] = [];
  for await (const m of session.fetch(from, 100)) out.push({ uid: m.uid, text: m.source.toString() });
  return out;
};

describe("the development sink's mailbox", () => {
  it('shows an answer only once it is due, under UIDs in the order they fell due', async () => {
    let now = 1_000_000_000_000;
    const boxes = sinkMailboxes(root, () => now);
    // Left in the reverse order of their due times: the later one must not get the lower UID.
    await depositInSink(root, 'anna@mailroom.test', Buffer.from('second'), new Date(now + 120_000));
    await depositInSink(root, 'anna@mailroom.test', Buffer.from('first'), new Date(now + 60_000));
    const session = await boxes.connect(login('Anna@Mailroom.test'), { kind: 'password', password: 'any' });
    const { uidValidity } = await session.open('INBOX');
    expect(await all(session, 1)).toEqual([]);
    now += 60_000;
    expect((await session.open('INBOX')).uidValidity).toBe(uidValidity);
    expect(await all(session, 1)).toEqual([{ uid: 1, text: 'first' }]);
    now += 60_000;
    await session.open('INBOX');
    expect(await all(session, 2)).toEqual([{ uid: 2, text: 'second' }]);
    expect(await all(session, 3)).toEqual([]);
  });

  it('keeps each login to its own mailbox, whatever the login says', async () => {
    await depositInSink(root, 'ben@mailroom.test', Buffer.from('for ben'), new Date(0));
    const session = await sinkMailboxes(root).connect(login('../../ben@mailroom.test'), { kind: 'password', password: 'x' });
    await session.open('INBOX');
    expect(await all(session, 1)).toEqual([]);
    expect(readdirSync(root).every((name) => /^[0-9a-f]{32}$/.test(name))).toBe(true);
  });

  it('has INBOX only', async () => {
    const session = await sinkMailboxes(root).connect(login('cleo@mailroom.test'), { kind: 'password', password: 'x' });
    await expect(session.open('Bounces')).rejects.toBeInstanceOf(MailboxError);
  });

  it('waits for the next answer to fall due, and not for one due after the wait', async () => {
    const boxes = sinkMailboxes(root);
    await depositInSink(root, 'dora@mailroom.test', Buffer.from('soon'), new Date(Date.now() + 150));
    await depositInSink(root, 'dora@mailroom.test', Buffer.from('much later'), new Date(Date.now() + 3_600_000));
    const session = await boxes.connect(login('dora@mailroom.test'), { kind: 'password', password: 'x' });
    await session.open('INBOX');
    expect(await session.waitForNews(5_000)).toBe(true);
    expect((await all(session, 1)).map((m) => m.text)).toEqual(['soon']);
    expect(await session.waitForNews(5_000)).toBe(false);
  });
});

describe("the demo addresses' answers", () => {
  const original = { from: 'anna@mailroom.test', to: ['no-such-user.x@a.example.com', 'on-holiday.y@b.example.com', 'someone@c.example.com'], messageId: '<abc@mailroom.test>', subject: 'Autumn', headers: 'Message-ID: <abc@mailroom.test>\r\nList-Id: <mailing-4.localhost>' };

  it('come from the demo addresses only, a minute or two later, threaded to the original', () => {
    const answers = sinkAnswers(original, new Date('2026-12-06T10:00:00Z'), () => 0.5);
    expect(answers.map((a) => [a.recipient, a.kind, a.delayMs])).toEqual([
      ['no-such-user.x@a.example.com', 'hard_bounce', 90_000],
      ['on-holiday.y@b.example.com', 'auto_reply', 90_000],
    ]);
    expect(answers[0].raw.toString()).toContain('Status: 5.1.1');
    expect(answers[0].raw.toString()).toContain('List-Id: <mailing-4.localhost>');
    expect(answers[1].raw.toString()).toContain('In-Reply-To: <abc@mailroom.test>');
  });
});
