// The OAuth 2.0 provider of the tests: oauth2-mock-server, made to keep grants the way Google and
// Microsoft do. Each grant has a user and the scopes consented to; refresh tokens rotate (the one
// spent is dead, as at Microsoft), a revoked or unknown one answers invalid_grant.
import { OAuth2Server } from 'oauth2-mock-server';
import type { IncomingMessage } from 'node:http';

interface Grant {
  user: string;
  scope: string;
}

type Body = Record<string, string | undefined>;
const bodyOf = (req: IncomingMessage) => (req as IncomingMessage & { body: Body }).body;

export class TestOAuthProvider {
  readonly server = new OAuth2Server();
  /** Live refresh tokens and their grants. */
  private readonly grants = new Map<string, Grant>();
  /** Codes handed out by /authorize, with the scopes asked for. */
  private readonly codes = new Map<string, string>();
  /** Every refresh_token request, whatever its answer. */
  refreshRequests = 0;
  /** The user the next /authorize signs in as, and the scopes they consent to (null: all asked for). */
  nextUser = 'anna@mail.test';
  consentScopes: string | null = null;
  /** Set: the id_tokens name this address instead of the signed-in user (a provider that says something else). */
  idTokenEmail: string | null = null;
  /** Refresh tokens sent to /revoke (RFC 7009), in order. */
  revoked: string[] = [];
  /** Lifetime of the access tokens it issues. */
  tokenTtlSeconds = 3600;

  constructor(private readonly port: number) {}

  get issuer(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await this.server.issuer.keys.generate('RS256');
    this.server.issuer.url = this.issuer;
    const service = this.server.service;
    service.on('beforeAuthorizeRedirect', (redirect: { url: URL }, req: IncomingMessage) => {
      const asked = new URL(req.url!, this.issuer).searchParams.get('scope') ?? '';
      this.codes.set(redirect.url.searchParams.get('code')!, `${this.nextUser}\n${this.consentScopes ?? asked}`);
    });
    service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }, req: IncomingMessage) => {
      const grant = this.grantOf(bodyOf(req));
      // The id_token names the mailbox, as Google's and Microsoft's do when asked for `openid email`.
      if (grant) Object.assign(token.payload, { sub: grant.user, scope: grant.scope, email: this.idTokenEmail ?? grant.user, email_verified: true });
      token.payload.exp = Math.floor(Date.now() / 1000) + this.tokenTtlSeconds;
    });
    service.on('beforeResponse', (response: { body: Record<string, unknown>; statusCode: number }, req: IncomingMessage) => {
      const body = bodyOf(req);
      if (body.grant_type === 'refresh_token') this.refreshRequests++;
      const grant = this.grantOf(body);
      if (!grant) {
        response.statusCode = 400;
        response.body = { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' };
        return;
      }
      // Rotation: the spent refresh token dies, the new one carries the grant on.
      if (body.grant_type === 'refresh_token') this.grants.delete(body.refresh_token!);
      if (body.code) this.codes.delete(body.code);
      this.grants.set(response.body.refresh_token as string, grant);
      response.body.scope = grant.scope;
      response.body.expires_in = this.tokenTtlSeconds;
    });
    // RFC 7009: the token dies. The mock answers 200 at once; the body is read after.
    service.on('beforeRevoke', (_response: unknown, req: IncomingMessage) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const token = new URLSearchParams(body).get('token');
        if (!token) return;
        this.revoked.push(token);
        this.grants.delete(token);
      });
    });
    await this.server.start(this.port, '127.0.0.1');
  }

  private grantOf(body: Body): Grant | null {
    if (body.grant_type === 'refresh_token') return this.grants.get(body.refresh_token ?? '') ?? null;
    const code = body.grant_type === 'authorization_code' ? this.codes.get(body.code ?? '') : undefined;
    if (!code) return null;
    const [user, scope] = code.split('\n');
    return { user, scope };
  }

  /** A grant made outside the connect flow (a test that starts from a connected account). */
  issueGrant(user: string, scope: string): string {
    const token = `rt-${this.grants.size}-${Math.random().toString(36).slice(2)}`;
    this.grants.set(token, { user, scope });
    return token;
  }

  /** The user revokes Mailroom's access in their account settings: every refresh token of theirs dies. */
  revokeUser(user: string): void {
    for (const [token, grant] of this.grants) if (grant.user === user) this.grants.delete(token);
  }

  liveRefreshTokens(): string[] {
    return [...this.grants.keys()];
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
