// Why this file exists: end-to-end tests need an SMTP server that the engine cannot share memory or
// an event loop with, so that killing either side behaves as in production. This controller runs
// server.ts as a child process, steers its rules over IPC and reads what it saw from its log file.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** How the sink answers. Addresses are compared case-insensitively. */
export interface SinkRules {
  /** RCPT TO replies by recipient: 550 is permanent, 421/450/451 temporary (421 also closes the connection). */
  rejectRcpt: Record<string, number>;
  /** Users whose AUTH fails with 535 5.7.8; everyone else gets in with any password. */
  failAuth: string[];
  /**
   * Recipients for which the socket is destroyed when DATA begins, before the server asks for the
   * message: nothing of it was sent, so the client must try again.
   */
  dropDuringData: string[];
  /**
   * Recipients for which the whole message arrives and is accepted (logged as such), then the
   * socket is destroyed instead of the 250 reply: delivered, but the client cannot know.
   */
  dropAfterData: string[];
  /** Wait this long before answering DATA, so a send can be caught in flight. */
  delayMs: number;
  /**
   * Recipients whose whole message arrives but whose reply is held (logged as 'held') for as long
   * as they stay in this list: a server stalling past any timeout the test cares about.
   */
  holdData: string[];
  /** Senders refused at MAIL FROM with 553 5.7.1. */
  rejectMailFrom: string[];
}

export interface AcceptedMail {
  type: 'accepted';
  at: string;
  /** Envelope sender and the recipients accepted at RCPT TO, lower-cased. */
  from: string;
  to: string[];
  /** Header values as sent; null when the header is absent. */
  messageId: string | null;
  subject: string | null;
  listUnsubscribe: string | null;
  listUnsubscribePost: string | null;
  /** The AUTH user, or null for a client that did not log in. */
  user: string | null;
  /** Bytes of the message as received. */
  size: number;
  /** The HTML and text parts as mailparser decodes them; null when absent. */
  html: string | null;
  text: string | null;
  /** Each MIME part mailparser counts as an attachment, inline images included (`related`, with their Content-ID). */
  attachments: { filename: string | null; contentType: string; size: number; sha256: string; contentId: string | null; disposition: string | null; related: boolean }[];
}

/**
 * One line of the log. 'dropped' is a delivery attempt cut at DATA, before the message was sent;
 * 'accepted' is written just before the 250 reply, whether or not the client lives to read it.
 */
export type SinkEvent =
  | AcceptedMail
  | { type: 'rejected'; at: string; stage: 'mail' | 'rcpt'; address: string; code: number; reply: string; user: string | null }
  | { type: 'dropped'; at: string; from: string; to: string[]; user: string | null }
  | { type: 'held'; at: string; from: string; to: string[]; user: string | null }
  /** A sign-in with the password it offered (test servers only: tests check which secret went where). */
  | { type: 'auth'; at: string; user: string; password: string; ok: boolean };

/** IPC between this controller and server.ts. */
export type SinkRequest = { type: 'setRules'; id: number; rules: Partial<SinkRules> };
export type SinkReply = { type: 'rulesSet'; id: number };

export interface SmtpSink {
  port: number;
  logFile: string;
  /** The sink process, for tests that kill it the hard way. */
  child: ChildProcess;
  /** Replaces the given rules (others stay); resolves once the sink applies them. */
  setRules(rules: Partial<SinkRules>): Promise<void>;
  events(): SinkEvent[];
  accepted(): AcceptedMail[];
  /** How many accepted messages each recipient got: the "never twice" check. */
  acceptedCountsByRecipient(): Map<string, number>;
  /** Polls the log until the predicate holds; rejects after timeoutMs with the events seen. */
  waitFor(predicate: (events: SinkEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Ends the process and removes a log file that startSmtpSink created: read events before. */
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, '../../..');
const POLL_MS = 25;

/** Parses the log; a last line without its newline is a write cut short by a kill and is skipped. */
function readEvents(logFile: string): SinkEvent[] {
  const text = readFileSync(logFile, 'utf8');
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SinkEvent);
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export async function startSmtpSink(opts: { rules?: Partial<SinkRules>; logFile?: string } = {}): Promise<SmtpSink> {
  const ownDir = opts.logFile ? null : mkdtempSync(join(tmpdir(), 'mailroom-smtp-sink-'));
  const logFile = opts.logFile ?? join(ownDir!, 'events.jsonl');
  let out = '';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'server.ts'), '--log', logFile, '--rules', JSON.stringify(opts.rules ?? {})],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<void>((ok) => child.once('exit', () => ok()));

  const stop = async () => {
    if (!exited(child)) {
      child.kill('SIGTERM');
      await exit;
    }
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  };

  let port: number;
  try {
    port = await new Promise<number>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`smtp sink did not start in time:\n${out}`)), 30_000);
      child.stdout!.on('data', () => {
        const m = /^READY (\d+)$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          ok(Number(m[1]));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(new Error(`smtp sink exited (${code ?? signal}) before it was ready:\n${out}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }

  let nextId = 1;
  // The sink creates the log before READY; a missing one (after stop) throws rather than reading as empty.
  const events = () => readEvents(logFile);
  const accepted = () => events().filter((e): e is AcceptedMail => e.type === 'accepted');

  return {
    port,
    logFile,
    child,
    setRules(rules) {
      const id = nextId++;
      return new Promise<void>((ok, fail) => {
        if (exited(child)) return fail(new Error('smtp sink is not running'));
        const onMessage = (reply: SinkReply) => {
          if (reply.type !== 'rulesSet' || reply.id !== id) return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          ok();
        };
        const onExit = () => {
          child.off('message', onMessage);
          fail(new Error(`smtp sink exited before applying rules:\n${out}`));
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send({ type: 'setRules', id, rules } satisfies SinkRequest);
      });
    },
    events,
    accepted,
    acceptedCountsByRecipient() {
      const counts = new Map<string, number>();
      for (const mail of accepted()) for (const to of mail.to) counts.set(to, (counts.get(to) ?? 0) + 1);
      return counts;
    },
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      // The sink is another process: its log is the only shared state, so polling it is the honest wait.
      for (;;) {
        const seen = events();
        if (predicate(seen)) return;
        if (Date.now() > deadline) {
          throw new Error(`smtp sink: condition not met in ${timeoutMs} ms; events:\n${seen.map((e) => JSON.stringify(e)).join('\n')}`);
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    },
    stop,
  };
}
