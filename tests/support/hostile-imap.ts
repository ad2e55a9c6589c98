// Why this file exists: what a real server never does (garbage, silence, a connection cut in the
// middle of a message, a literal past the size asked for, no IDLE, no MOVE) is played by this small
// scripted IMAP server on node:net, so tests can prove the client survives each of them.
import { createServer, type Socket } from 'node:net';
import { listenInRange } from './imap-ports.js';

/** What the server does when asked for messages (UID FETCH). */
export type FetchBehaviour =
  /** Answers properly. */
  | 'answer'
  /** Sends bytes that are no IMAP at all, and keeps the connection open. */
  | 'garbage'
  /** Says nothing, ever. */
  | 'stall'
  /** Sends the first half of the first message, then closes the connection. */
  | 'cut'
  /** Sends a 1,000-byte message one byte every 100 ms: never silent, done only after 100 s. */
  | 'trickle'
  /** Sends a message far longer than the partial fetch asked for. */
  | 'oversized'
  /** Answers with every message asked for, and one nobody asked for, 2,000 times over, then completes. */
  | 'flood';

export interface HostileImapOptions {
  fetch?: FetchBehaviour;
  /** The capabilities announced; IDLE and MOVE are absent unless listed. */
  capabilities?: string[];
  /** The messages of INBOX, by UID. */
  messages?: Map<number, string>;
  /** The UIDVALIDITY EXAMINE reports, as sent; null leaves it out. */
  uidValidity?: string | null;
  /** Refuses every LOGIN with this text (NO), instead of signing in. */
  refuseLogin?: string;
}

export interface HostileImap {
  port: number;
  /** Every command line the server received, tag removed. */
  commands: string[];
  /** Connections the server has open now. */
  openConnections(): number;
  stop(): Promise<void>;
}

export async function startHostileImap(opts: HostileImapOptions = {}): Promise<HostileImap> {
  const capabilities = ['IMAP4rev1', ...(opts.capabilities ?? [])].join(' ');
  const messages = opts.messages ?? new Map([[1, 'Subject: one\r\n\r\nfirst\r\n'], [2, 'Subject: two\r\n\r\nsecond\r\n']]);
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.write(`* OK [CAPABILITY ${capabilities}] hostile test server ready\r\n`);
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        answer(socket, line);
      }
    });
  });

  const fetchAnswer = (socket: Socket, tag: string, uids: number[]) => {
    const literal = (uid: number, body: string) => `* ${uid} FETCH (UID ${uid} BODY[]<0> {${Buffer.byteLength(body, 'latin1')}}\r\n${body})\r\n`;
    switch (opts.fetch ?? 'answer') {
      case 'answer':
        for (const uid of uids) socket.write(literal(uid, messages.get(uid) ?? ''), 'latin1');
        return void socket.write(`${tag} OK FETCH completed\r\n`);
      case 'garbage':
        return void socket.write('\x00\xff\xfe ))) {{{ this is not IMAP ((( \x1b[31m\r\n* * * ** {99999999999999999999}\r\n', 'latin1');
      case 'stall':
        return;
      case 'cut': {
        const body = messages.get(uids[0]) ?? '';
        socket.write(`* ${uids[0]} FETCH (UID ${uids[0]} BODY[]<0> {${body.length}}\r\n${body.slice(0, body.length / 2)}`, 'latin1');
        return void socket.destroy();
      }
      case 'trickle': {
        socket.write(`* ${uids[0]} FETCH (UID ${uids[0]} BODY[]<0> {1000}\r\n`);
        const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write('x')), 100);
        timers.add(timer);
        return;
      }
      case 'oversized':
        return void socket.write(literal(uids[0], 'x'.repeat(64 * 1024)), 'latin1');
      case 'flood': {
        const round = [...uids, 1000 + uids[0]].map((uid) => literal(uid, messages.get(uid) ?? 'Subject: unasked\r\n\r\nx\r\n')).join('');
        for (let i = 0; i < 2000; i++) socket.write(round, 'latin1');
        return void socket.write(`${tag} OK FETCH completed\r\n`);
      }
    }
  };

  const answer = (socket: Socket, line: string) => {
    const [tag, ...rest] = line.split(' ');
    const command = rest.join(' ');
    commands.push(command);
    const verb = (rest[0] ?? '').toUpperCase();
    const sub = (rest[1] ?? '').toUpperCase();
    if (verb === 'CAPABILITY') return void socket.write(`* CAPABILITY ${capabilities}\r\n${tag} OK done\r\n`);
    if (verb === 'LOGIN') return void socket.write(opts.refuseLogin === undefined ? `${tag} OK [CAPABILITY ${capabilities}] signed in\r\n` : `${tag} NO ${opts.refuseLogin}\r\n`);
    if (verb === 'EXAMINE' || verb === 'SELECT') {
      const last = Math.max(0, ...messages.keys());
      const access = verb === 'EXAMINE' ? 'READ-ONLY' : 'READ-WRITE';
      const uidValidity = opts.uidValidity === null ? '' : `* OK [UIDVALIDITY ${opts.uidValidity ?? '7'}] ok\r\n`;
      return void socket.write(`* ${messages.size} EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen)\r\n${uidValidity}* OK [UIDNEXT ${last + 1}] ok\r\n${tag} OK [${access}] done\r\n`);
    }
    if (verb === 'UID' && sub === 'SEARCH') return void socket.write(`* SEARCH ${[...messages.keys()].join(' ')}\r\n${tag} OK done\r\n`);
    if (verb === 'UID' && sub === 'FETCH') {
      const uids = (rest[2] ?? '').split(',').map(Number).filter((n) => messages.has(n));
      return fetchAnswer(socket, tag, uids);
    }
    if (verb === 'LOGOUT') {
      socket.write(`* BYE bye\r\n${tag} OK done\r\n`);
      return void socket.end();
    }
    if (verb === 'IDLE') return void socket.write('+ idling\r\n');
    if (verb === 'DONE') return;
    if (verb === 'NOOP' || verb === 'ID' || verb === 'LIST') return void socket.write(`${tag} OK done\r\n`);
    socket.write(`${tag} BAD unknown command\r\n`);
  };

  const port = await listenInRange(server);
  return {
    port,
    commands,
    openConnections: () => sockets.size,
    async stop() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
