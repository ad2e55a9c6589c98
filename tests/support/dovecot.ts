// Why this file exists: the IMAP side is tested against a real IMAP server, Debian's dovecot, run
// in the foreground from a temporary folder for one test file (STACK.md, "dovecot"). Mail is put
// in and read back over IMAP with imapflow, a client apart from the code under test.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { IMAP_TEST_PORTS, portsInRange, type PortRange } from './imap-ports.js';

const DOVECOT = '/usr/sbin/dovecot';
const DOVEADM = '/usr/bin/doveadm';
/** imap and the mail folders run as this user (dovecot refuses to run mail processes as root). */
const MAIL_UID = 65534; // nobody
const MAIL_GID = 65534; // nogroup

export interface Dovecot {
  host: '127.0.0.1';
  port: number;
  /** user → password, as given to startDovecot. */
  users: Record<string, string>;
  /** Adds a message (APPEND) and returns its UID. */
  append(user: string, folder: string, raw: string | Buffer, flags?: string[]): Promise<number>;
  /**
   * Writes the messages straight into the user's INBOX maildir, as a delivery agent does, in order,
   * then has dovecot index them; returns how many. For thousands of messages, where one APPEND
   * after another takes minutes.
   */
  deliverToInbox(user: string, raws: Iterable<Buffer>): Promise<number>;
  /** Every message's flags by UID, read with FETCH FLAGS on a read-only open. */
  flags(user: string, folder: string): Promise<Map<number, string[]>>;
  /** Every message's UID in a folder. */
  uids(user: string, folder: string): Promise<number[]>;
  createFolder(user: string, folder: string): Promise<void>;
  /** Deletes the folder and creates it again: empty, with a new UIDVALIDITY. */
  recreateFolder(user: string, folder: string): Promise<void>;
  /** Sets the folder's UIDVALIDITY and keeps its messages (doveadm), as a server that rebuilt its index does. */
  setUidValidity(user: string, folder: string, uidValidity: number): Promise<void>;
  /** The UIDVALIDITY the folder has now (STATUS). */
  uidValidity(user: string, folder: string): Promise<number>;
  /** What dovecot logged so far. */
  log(): string;
  stop(): Promise<void>;
}

const config = (dir: string, port: number, greeting: string) => `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
login_greeting = ${greeting}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Wrong passwords are answered at once: tests try them on purpose.
auth_failure_delay = 0
default_login_user = dovenull
default_internal_user = dovecot
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_GID} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    port = ${port}
  }
  chroot =
}
service anvil {
  chroot =
  # No growing delay after failed sign-ins from the same address.
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`;

/**
 * A dovecot for one test file, with the given users (name → password), on a free port of
 * IMAP_TEST_PORTS (a benchmark passes its own range). Call stop() in afterAll; the process is also
 * killed when the test process exits.
 */
export async function startDovecot(users: Record<string, string>, opts: { ports?: PortRange } = {}): Promise<Dovecot> {
  if (!existsSync(DOVECOT)) throw new Error(`${DOVECOT} is missing: apt-get install -y dovecot-imapd (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-dovecot-'));
  // The mail processes run as nobody and must reach the mail folders.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'mail'));
  chownSync(join(dir, 'mail'), MAIL_UID, MAIL_GID);
  writeFileSync(join(dir, 'users'), Object.entries(users).map(([user, password]) => `${user}:{PLAIN}${password}::::::\n`).join(''));
  const greeting = `mailroom-test-${randomBytes(6).toString('hex')}`;
  const confFile = join(dir, 'dovecot.conf');
  const logFile = join(dir, 'dovecot.log');
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

  let child: ChildProcess | null = null;
  let port = 0;
  for (port of portsInRange(opts.ports ?? IMAP_TEST_PORTS)) {
    writeFileSync(confFile, config(dir, port, greeting));
    const started = spawn(DOVECOT, ['-F', '-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    started.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    started.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    if ((await untilReady(started, port, greeting)) === 'ready') {
      child = started;
      break;
    }
    started.kill('SIGKILL');
    if (!/Address already in use/.test(output + log())) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`dovecot did not start: ${output}${log()}`);
    }
  }
  if (!child) throw new Error('dovecot found no free port for IMAP');
  const master: ChildProcess = child;

  // A test process that ends without afterAll (a crash, a timeout) must not leave dovecot running.
  const pid = master.pid!;
  const killOnExit = () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => master.once('exit', () => resolve()));

  const client = async <T>(user: string, work: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user, pass: users[user] }, logger: false });
    c.on('error', () => {});
    await c.connect();
    try {
      return await work(c);
    } finally {
      await c.logout().catch(() => c.close());
    }
  };
  const doveadm = (...args: string[]) => promisify(execFile)(DOVEADM, ['-c', confFile, ...args]);

  return {
    host: '127.0.0.1',
    port,
    users,
    append: (user, folder, raw, flags) =>
      client(user, async (c) => {
        const res = await c.append(folder, raw, flags);
        if (!res || !res.uid) throw new Error(`APPEND to ${folder} failed`);
        return res.uid;
      }),
    async deliverToInbox(user, raws) {
      // INBOX is the maildir at the user's home; dovecot numbers new files in the order of their
      // names' leading timestamps, which count up from now one second a message.
      const maildir = join(dir, 'mail', user);
      for (const sub of ['', 'cur', 'new', 'tmp']) {
        mkdirSync(join(maildir, sub), { recursive: true });
        chownSync(join(maildir, sub), MAIL_UID, MAIL_GID);
      }
      const start = Math.floor(Date.now() / 1000);
      let n = 0;
      for (const raw of raws) {
        const file = join(maildir, 'cur', `${start + n}.M${n}P${process.pid}.mailroom-test,S=${raw.length}:2,`);
        writeFileSync(file, raw);
        chownSync(file, MAIL_UID, MAIL_GID);
        n += 1;
      }
      await doveadm('index', '-u', user, 'INBOX');
      return n;
    },
    flags: (user, folder) =>
      client(user, async (c) => {
        await c.mailboxOpen(folder, { readOnly: true });
        const rows = await c.fetchAll('1:*', { uid: true, flags: true }, { uid: true });
        return new Map(rows.map((r) => [r.uid, [...(r.flags ?? [])]]));
      }),
    uids: (user, folder) =>
      client(user, async (c) => {
        await c.mailboxOpen(folder, { readOnly: true });
        return (await c.fetchAll('1:*', { uid: true }, { uid: true })).map((r) => r.uid);
      }),
    createFolder: (user, folder) => client(user, async (c) => void (await c.mailboxCreate(folder))),
    recreateFolder: (user, folder) =>
      client(user, async (c) => {
        await c.mailboxDelete(folder);
        await c.mailboxCreate(folder);
      }),
    async setUidValidity(user, folder, uidValidity) {
      await doveadm('mailbox', 'update', '-u', user, '--uid-validity', String(uidValidity), folder);
    },
    uidValidity: (user, folder) =>
      client(user, async (c) => {
        const status = await c.status(folder, { uidValidity: true });
        if (!status || status.uidValidity === undefined) throw new Error(`STATUS ${folder} failed`);
        return Number(status.uidValidity);
      }),
    log,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (master.exitCode === null && master.signalCode === null) {
        master.kill('SIGTERM');
        const timer = setTimeout(() => master.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until the port answers with this dovecot's own greeting ('ready'), or the process exits
 * ('exited': another server holds the port) or stays silent for 15 s. Another server's greeting
 * does not count.
 */
async function untilReady(child: ChildProcess, port: number, greeting: string): Promise<'ready' | 'exited' | 'silent'> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return 'exited';
    if ((await readGreeting(port)).includes(greeting)) return 'ready';
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return 'silent';
}

/** The first line a server on the port sends, or '' when nothing answers. */
function readGreeting(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    const done = () => {
      socket.destroy();
      resolve(data);
    };
    socket.setTimeout(1_000, done);
    socket.on('data', (d: Buffer) => {
      data += d.toString();
      if (data.includes('\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
  });
}
