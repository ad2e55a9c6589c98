import type { MailServer } from './mail-providers.js';
import { grantProblemText, type GrantProblem } from './grant-problems.js';
import { healthText, type HealthDetail } from './health-detail.js';

/**
 * The OAuth 2.0 providers a mailbox can be connected with, and what sending (SMTP) and reading
 * (IMAP) need from each. Endpoints come from here, never from user input, so a stored refresh
 * token and client secret only ever go to their provider. `issuer` overrides the provider's own
 * host for tests (configuration only, see server/config.ts).
 */

export const OAUTH_PROVIDERS = ['google', 'microsoft'] as const;
export type OAuthProviderId = (typeof OAUTH_PROVIDERS)[number];

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** Microsoft's directory (tenant) id or `common`/`organizations`; unused by Google. */
  tenant?: string | null;
}

export interface OAuthProvider {
  id: OAuthProviderId;
  name: string;
  /** Every scope the account needs: SMTP and IMAP through XOAUTH2, and a refresh token. A grant without them is refused. */
  scopes: readonly string[];
  /** OpenID Connect scopes asked for too, so the id_token names the connected mailbox's address (providers may rename them in their answer). */
  identityScopes: readonly string[];
  smtp: MailServer;
  imap: MailServer;
  authorizeUrl(client: OAuthClient, issuer?: string): string;
  tokenUrl(client: OAuthClient, issuer?: string): string;
  /** Extra authorize parameters the provider needs to hand out a refresh token. */
  authorizeParams: Readonly<Record<string, string>>;
  /** The RFC 7009 revocation endpoint, where the provider has one (Microsoft has none for a refresh token). */
  revokeUrl?(issuer?: string): string;
}

/** Every scope the connect flow asks for, as the provider's client registration must allow. */
export const requestedScopes = (provider: OAuthProvider): string[] => [...provider.scopes, ...provider.identityScopes];

const microsoftBase = (client: OAuthClient, issuer?: string) => issuer ?? `https://login.microsoftonline.com/${encodeURIComponent(client.tenant || 'organizations')}/oauth2/v2.0`;

export const OAUTH_PROVIDER_TABLE: Readonly<Record<OAuthProviderId, OAuthProvider>> = {
  google: {
    id: 'google',
    name: 'Google',
    scopes: ['https://mail.google.com/'],
    identityScopes: ['openid', 'email'],
    smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls' },
    imap: { host: 'imap.gmail.com', port: 993, security: 'tls' },
    authorizeUrl: (_client, issuer) => `${issuer ?? 'https://accounts.google.com/o/oauth2/v2'}/${issuer ? 'authorize' : 'auth'}`,
    tokenUrl: (_client, issuer) => (issuer ? `${issuer}/token` : 'https://oauth2.googleapis.com/token'),
    // Google hands out a refresh token only for offline access, and again only when asked to consent.
    authorizeParams: { access_type: 'offline', prompt: 'consent' },
    revokeUrl: (issuer) => (issuer ? `${issuer}/revoke` : 'https://oauth2.googleapis.com/revoke'),
  },
  microsoft: {
    id: 'microsoft',
    name: 'Microsoft',
    scopes: ['https://outlook.office.com/SMTP.Send', 'https://outlook.office.com/IMAP.AccessAsUser.All', 'offline_access'],
    identityScopes: ['openid', 'email'],
    smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
    imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
    authorizeUrl: (client, issuer) => `${microsoftBase(client, issuer)}/authorize`,
    tokenUrl: (client, issuer) => `${microsoftBase(client, issuer)}/token`,
    authorizeParams: {},
  },
};

/** The provider of a stored grant or account, or null for an id Mailroom does not know. */
export const oauthProviderOf = (id: string): OAuthProvider | null => (id in OAUTH_PROVIDER_TABLE ? OAUTH_PROVIDER_TABLE[id as OAuthProviderId] : null);

/** The scopes of `needed` a token response did not grant (an absent `scope` means all asked for were granted, RFC 6749 5.1). */
export function missingScopes(needed: readonly string[], granted: string | undefined): string[] {
  if (granted === undefined) return [];
  const have = new Set(granted.split(/\s+/).filter(Boolean));
  // Microsoft never echoes offline_access; a refresh token in the answer is its grant.
  return needed.filter((s) => s !== 'offline_access' && !have.has(s));
}

/**
 * Why a mailbox's access token cannot be had: `revoked` (the grant was revoked, expired or lacks
 * a scope: a person must reconnect, so the account turns red) or `unavailable` (the provider could
 * not be reached: try again later).
 */
export class OAuthGrantError extends Error {
  constructor(
    readonly kind: 'revoked' | 'unavailable',
    /** The cause as values the UI words; the message is its English copy. */
    readonly problem: GrantProblem,
  ) {
    super(grantProblemText(problem));
    this.name = 'OAuthGrantError';
  }
}

/**
 * A sign-in check's verdict on a grant that could not give a token: a grant that is gone is the
 * sign-in refused, a provider out of reach is the server out of reach. Anything else is no verdict.
 */
export function grantCheckOutcome(err: unknown): { health: 'auth_failed' | 'unreachable'; message: string; detail: HealthDetail } {
  if (!(err instanceof OAuthGrantError)) throw err;
  const detail = grantDetail(err);
  return { health: err.kind === 'revoked' ? 'auth_failed' : 'unreachable', message: healthText(detail), detail };
}

/** The verdict's detail: a grant that is gone is refused (reconnect), a provider out of reach is unavailable (try later). */
export const grantDetail = (err: OAuthGrantError): HealthDetail => ({ code: err.kind === 'revoked' ? 'oauth_refused' : 'oauth_unavailable', grant: err.problem });

/** Refresh this long before the access token runs out, so a send or a login never uses a dying one. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/** Whether a stored access token may still be used at `now`. */
export function accessTokenFresh(expiresAt: Date | null | undefined, now: Date, marginMs = REFRESH_MARGIN_MS): boolean {
  return !!expiresAt && expiresAt.getTime() - marginMs > now.getTime();
}
