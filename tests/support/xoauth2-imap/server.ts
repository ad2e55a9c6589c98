// An IMAP server in its own process that accepts AUTHENTICATE XOAUTH2 only, with an access token
// signed by the OAuth provider's keys (its JWKS), unexpired, for the user named and carrying the
// scope reading needs. It knows just enough IMAP for a sign-in and an empty, read-only INBOX.
// Prints one JSON line per sign-in on stdout. argv: port issuer scope
import { createServer, type Socket } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [port, issuer, scope] = process.argv.slice(2);
const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`));
const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
const CAPS = 'IMAP4rev1 AUTH=XOAUTH2 SASL-IR';

/** `user=…\x01auth=Bearer …\x01\x01`, base64 (Google's and Microsoft's XOAUTH2). */
async function verify(initial: string): Promise<string | null> {
  const fields = Object.fromEntries(Buffer.from(initial, 'base64').toString('utf8').split('\x01').filter(Boolean).map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]));
  const user = fields.user ?? '';
  try {
    const { payload } = await jwtVerify(String(fields.auth ?? '').replace(/^Bearer /, ''), keys, { issuer });
    if (payload.sub !== user) throw new Error(`token is for ${payload.sub}, not ${user}`);
    if (!String(payload.scope ?? '').split(' ').includes(scope)) throw new Error(`token lacks ${scope}`);
    say({ type: 'auth', user });
    return user;
  } catch (err) {
    say({ type: 'refused', user, reason: (err as Error).message });
    return null;
  }
}

function session(socket: Socket) {
  const send = (line: string) => socket.write(`${line}\r\n`);
  let pendingAuth: string | null = null;
  let buffer = '';
  const authenticate = async (tag: string, initial: string) => {
    if (await verify(initial)) send(`${tag} OK [CAPABILITY IMAP4rev1] Authenticated`);
    else send(`${tag} NO [AUTHENTICATIONFAILED] Invalid credentials`);
  };
  const handle = async (line: string) => {
    if (pendingAuth) {
      const tag = pendingAuth;
      pendingAuth = null;
      return authenticate(tag, line);
    }
    const [tag, command = '', ...args] = line.split(' ');
    switch (command.toUpperCase()) {
      case 'CAPABILITY':
        send(`* CAPABILITY ${CAPS}`);
        return send(`${tag} OK Done`);
      case 'AUTHENTICATE':
        if (args[0]?.toUpperCase() !== 'XOAUTH2') return send(`${tag} NO Unsupported mechanism`);
        if (args[1]) return authenticate(tag, args[1]);
        pendingAuth = tag;
        return send('+ ');
      case 'LOGIN':
        return send(`${tag} NO [PRIVACYREQUIRED] XOAUTH2 only`);
      case 'EXAMINE':
      case 'SELECT':
        send('* FLAGS (\\Seen)');
        send('* 0 EXISTS');
        send('* OK [UIDVALIDITY 7] UIDs valid');
        send('* OK [UIDNEXT 1] Predicted next UID');
        return send(`${tag} OK [READ-ONLY] Done`);
      case 'LOGOUT':
        send('* BYE Logging out');
        send(`${tag} OK Done`);
        return socket.end();
      // imapflow asks for the hierarchy delimiter (LIST "" "") and the folders.
      case 'LIST':
        send(args[1] === '""' ? '* LIST (\\Noselect) "/" ""' : '* LIST (\\HasNoChildren) "/" INBOX');
        return send(`${tag} OK Done`);
      case 'NOOP':
      case 'ID':
        return send(`${tag} OK Done`);
      default:
        say({ type: 'unknown', command: line.slice(0, 80) });
        return send(`${tag} BAD Unknown command`);
    }
  };
  let chain = Promise.resolve();
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    let at: number;
    while ((at = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      chain = chain.then(async () => {
        await handle(line);
      });
    }
  });
  socket.on('error', () => {});
  send(`* OK [CAPABILITY ${CAPS}] XOAUTH2 test server ready`);
}

const server = createServer(session);
server.listen(Number(port), '127.0.0.1', () => say({ type: 'listening' }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
