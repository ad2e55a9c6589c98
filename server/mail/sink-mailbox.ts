// Why this file exists: the development sink's accounts need an incoming side too, so that the demo
// shows bounces and replies arriving through the same intake and classifier as a real IMAP
// mailbox. Each sink login has a folder of .eml files: the sink drops answers into `pending/` with
// the time they are due, and reading moves the due ones into INBOX under increasing UIDs, as a
// server's delivery would (an answer due later never gets a UID below one already read).
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InboxLogin, Mailboxes, MailboxMessage, MailboxSession, OpenFolder } from '../engine/ports.js';
import { MailboxError } from '../domain/inbox.js';

const PENDING = /^(\d{13})-[0-9a-f]{8}\.eml$/;
const DELIVERED = /^(\d{1,10})\.eml$/;

/** A login's folder: named by a hash, so no login can name a path outside `root`. */
const mailboxDir = (root: string, user: string) => join(root, createHash('sha256').update(user.trim().toLowerCase()).digest('hex').slice(0, 32));

/** Leaves a message in the login's mailbox, to appear there at `due`. */
export async function depositInSink(root: string, user: string, raw: Buffer, due: Date): Promise<void> {
  const dir = join(mailboxDir(root, user), 'pending');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${due.getTime()}-${randomBytes(4).toString('hex')}.eml`), raw, { flag: 'wx' });
}

async function uids(inbox: string): Promise<number[]> {
  return (await readdir(inbox)).flatMap((name) => DELIVERED.exec(name)?.[1] ?? []).map(Number).sort((a, b) => a - b);
}

/** Moves the answers that are due into INBOX, oldest first; returns the next UID and when the next pending one falls due. */
async function deliverDue(dir: string, now: number): Promise<{ uidNext: number; nextDue: number | null }> {
  const inbox = join(dir, 'INBOX');
  await mkdir(join(dir, 'pending'), { recursive: true });
  await mkdir(inbox, { recursive: true });
  const pending = (await readdir(join(dir, 'pending'))).filter((n) => PENDING.test(n)).sort();
  let uidNext = ((await uids(inbox)).at(-1) ?? 0) + 1;
  let nextDue: number | null = null;
  for (const name of pending) {
    const due = Number(PENDING.exec(name)![1]);
    if (due > now) {
      nextDue = due;
      break;
    }
    await rename(join(dir, 'pending', name), join(inbox, `${uidNext++}.eml`));
  }
  return { uidNext, nextDue };
}

/** The UIDVALIDITY of a login's INBOX: made once, when the mailbox is first opened. */
async function uidValidity(dir: string): Promise<number> {
  const file = join(dir, 'uidvalidity');
  try {
    return Number(await readFile(file, 'utf8'));
  } catch {
    const value = Math.floor(Date.now() / 1000);
    await writeFile(file, String(value));
    return value;
  }
}

/** The sink's mailboxes as the intake reads them; `clock` lets answers fall due in tests' time. */
export function sinkMailboxes(root: string, clock: () => number = Date.now): Mailboxes {
  return {
    async connect(login: InboxLogin): Promise<MailboxSession> {
      // The sink takes any password, as it does for sending.
      const dir = mailboxDir(root, login.user);
      let open: string | null = null;
      let nextDue: number | null = null;
      return {
        async open(folder): Promise<OpenFolder> {
          if (folder !== 'INBOX') throw new MailboxError('folder_missing', `The development sink's mailbox has no folder "${folder}", only INBOX`);
          const delivered = await deliverDue(dir, clock());
          open = join(dir, 'INBOX');
          nextDue = delivered.nextDue;
          return { uidValidity: await uidValidity(dir), uidNext: delivered.uidNext };
        },
        async *fetch(fromUid, limit): AsyncIterable<MailboxMessage> {
          if (!open) throw new MailboxError('folder_missing', 'No folder is open');
          for (const uid of (await uids(open)).filter((u) => u >= fromUid).slice(0, limit)) {
            yield { uid, source: await readFile(join(open, `${uid}.eml`)) };
          }
        },
        // Waits for the next answer to fall due, so the demo shows it the moment it "arrives".
        async waitForNews(ms) {
          const due = nextDue;
          if (due === null || due - clock() > ms) return false;
          await sleep(Math.max(0, due - clock()));
          // A timer may fire a millisecond before the wall clock reads its due time: wait out that slack.
          if (due > clock()) await sleep(Math.min(due - clock(), 5));
          if (open) nextDue = (await deliverDue(dir, clock())).nextDue;
          return true;
        },
        async move() {
          throw new MailboxError('folder_missing', "The development sink's mailbox has only INBOX");
        },
        async close() {},
      };
    },
  };
}
