// An SMTP submission server in its own process that accepts XOAUTH2 only: the access token must be
// a JWT signed with the OAuth provider's keys (fetched from its JWKS), unexpired, issued to the
// login's user and carrying the scope sending needs. Prints one JSON line per event on stdout.
// argv: port issuer scope
import { SMTPServer } from 'smtp-server';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [port, issuer, scope] = process.argv.slice(2);
const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`));
const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
const refuse = (message: string) => Object.assign(new Error(message), { responseCode: 535 });

const server = new SMTPServer({
  authMethods: ['XOAUTH2'],
  allowInsecureAuth: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  async onAuth(auth, _session, callback) {
    if (auth.method !== 'XOAUTH2' || !auth.accessToken) return callback(refuse('5.7.8 XOAUTH2 only'));
    try {
      const { payload } = await jwtVerify(auth.accessToken, keys, { issuer });
      const scopes = String(payload.scope ?? '').split(' ');
      if (payload.sub !== auth.username) throw new Error(`token is for ${payload.sub}, not ${auth.username}`);
      if (!scopes.includes(scope)) throw new Error(`token lacks ${scope}`);
      say({ type: 'auth', user: auth.username, token: auth.accessToken.slice(-12) });
      callback(null, { user: auth.username });
    } catch (err) {
      say({ type: 'refused', user: auth.username, reason: (err as Error).message });
      callback(refuse(`5.7.8 Username and Password not accepted: ${(err as Error).message}`));
    }
  },
  onData(stream, session, callback) {
    stream.resume();
    stream.on('end', () => {
      say({ type: 'accepted', user: session.user, to: session.envelope.rcptTo.map((r) => r.address) });
      callback(null, 'OK queued');
    });
  },
});
server.listen(Number(port), '127.0.0.1', () => say({ type: 'listening' }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
