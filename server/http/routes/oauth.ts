import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createAuthedRouter } from '../router.js';
import { ApiError, toApiError } from '../errors.js';
import { errorResponses, json, jsonBody, OkSchema } from '../openapi.js';
import type { AuthedEnv } from '../env.js';
import type { Settings } from '../../db/entities/settings.entity.js';
import { settingsRepository } from '../../db/repositories/settings.repository.js';
import { isAdmin } from '../../domain/visibility.js';
import { OAUTH_PROVIDERS, OAUTH_PROVIDER_TABLE, requestedScopes, type OAuthProviderId } from '../../domain/oauth-providers.js';
import { sameMailbox } from '../../domain/oauth-identity.js';
import { providerOf } from '../../domain/mail-providers.js';
import { loadOwned } from '../../security/owned.js';
import { ConnectError, finishConnect, openState, revokeGrant, startConnect, storeGrant, type ConnectedGrant } from '../../mail/oauth-connect.js';
import { EmailAccountSchema as AccountEntity, type EmailAccount } from '../../db/entities/email-account.entity.js';
import type { Em } from '../../db/orm.js';
import type { User } from '../../db/entities/user.entity.js';
import type { SecretBox } from '../../security/secret-box.js';
import { resolveOwner } from '../owned.js';
import * as S from '../schemas/oauth.js';
import type { ConnectFailure } from '../../domain/oauth-connect-failures.js';

const tags = ['oauth'];

/** Where the providers send the user back: registered with each provider as the redirect URL. */
export const callbackUrl = (publicUrl: string) => `${publicUrl}/api/oauth/callback`;

const FIELDS = {
  google: { id: 'googleClientId', secret: 'googleClientSecretEnc' },
  microsoft: { id: 'microsoftClientId', secret: 'microsoftClientSecretEnc' },
} as const satisfies Record<OAuthProviderId, { id: keyof Settings; secret: keyof Settings }>;

const toDto = (s: Settings, provider: OAuthProviderId, publicUrl: string): S.OAuthClientDto => ({
  provider,
  clientId: s[FIELDS[provider].id] ?? null,
  tenant: provider === 'microsoft' ? (s.microsoftTenant ?? null) : null,
  hasSecret: Boolean(s[FIELDS[provider].secret]),
  redirectUrl: callbackUrl(publicUrl),
  scopes: requestedScopes(OAUTH_PROVIDER_TABLE[provider]),
});

const adminOnly = (c: Context<AuthedEnv>) => {
  if (!isAdmin(c.var.user)) throw new ApiError('forbidden', { reason: 'admins_register_oauth', params: {} });
};

const list = createRoute({
  method: 'get', path: '/', tags, summary: 'The OAuth clients mailboxes connect through (secrets never returned)',
  responses: { 200: json(S.OAuthClientsSchema, 'Clients'), ...errorResponses },
});
const put = createRoute({
  method: 'put', path: '/{provider}', tags, summary: "Register a provider's OAuth client (admins)",
  request: { params: S.ProviderParams, body: jsonBody(S.OAuthClientInput) },
  responses: { 200: json(S.OAuthClientSchema, 'Saved'), ...errorResponses },
});
const remove = createRoute({
  method: 'delete', path: '/{provider}', tags, summary: "Remove a provider's OAuth client (admins); its connected accounts turn red at their next refresh",
  request: { params: S.ProviderParams },
  responses: { 200: json(OkSchema, 'Removed'), ...errorResponses },
});

/** Settings → OAuth clients, under /api/settings/oauth. */
export function oauthClientRoutes() {
  return createAuthedRouter()
    .openapi(list, async (c) => {
      const { publicUrl } = c.var.services.config;
      const settings = await settingsRepository.get(c.var.em, publicUrl);
      return c.json({ items: OAUTH_PROVIDERS.map((p) => toDto(settings, p, publicUrl)) }, 200);
    })
    .openapi(put, async (c) => {
      adminOnly(c);
      const { em, services } = c.var;
      const { provider } = c.req.valid('param');
      const { clientId, clientSecret, tenant } = c.req.valid('json');
      const settings = await settingsRepository.get(em, services.config.publicUrl);
      const f = FIELDS[provider];
      // The stored secret belongs to the client id it was given with.
      if (clientSecret === undefined && (!settings[f.secret] || settings[f.id] !== clientId)) {
        throw new ApiError('precondition', { reason: 'oauth_secret_needed', params: {} }, { field: 'clientSecret' });
      }
      em.assign(settings, {
        [f.id]: clientId,
        ...(clientSecret === undefined ? {} : { [f.secret]: services.secrets.encrypt(clientSecret) }),
        ...(provider === 'microsoft' && tenant !== undefined ? { microsoftTenant: tenant } : {}),
      });
      await em.flush();
      return c.json(toDto(settings, provider, services.config.publicUrl), 200);
    })
    .openapi(remove, async (c) => {
      adminOnly(c);
      const { em, services } = c.var;
      const { provider } = c.req.valid('param');
      const settings = await settingsRepository.get(em, services.config.publicUrl);
      em.assign(settings, { [FIELDS[provider].id]: null, [FIELDS[provider].secret]: null, ...(provider === 'microsoft' ? { microsoftTenant: null } : {}) });
      await em.flush();
      return c.json({ ok: true as const }, 200);
    });
}

const connect = createRoute({
  method: 'post', path: '/{id}/oauth/{provider}', tags, summary: 'Start connecting (or reconnecting) the account with a provider: answers the URL to send the browser to',
  request: { params: S.AccountProviderParams },
  responses: { 200: json(S.ConnectStartSchema, 'Authorisation URL'), ...errorResponses },
});
const connectNew = createRoute({
  method: 'post', path: '/oauth/{provider}', tags, summary: 'Start adding an account by connecting a mailbox: the account is made from the connected mailbox, on your name',
  request: { params: S.ProviderParams },
  responses: { 200: json(S.ConnectStartSchema, 'Authorisation URL'), ...errorResponses },
});

/** The provider's authorisation URL for connecting `account` (null: a new account), or a 412 naming the missing client. */
async function authorizeUrl(c: Context<AuthedEnv>, provider: OAuthProviderId, account: EmailAccount | null): Promise<string> {
  const { em, services } = c.var;
  const settings = await settingsRepository.get(em, services.config.publicUrl);
  const url = startConnect(settings, services.secrets, services.config.oauthIssuers, {
    accountId: account?.id ?? null, userId: c.var.user.id, provider, redirectUri: callbackUrl(services.config.publicUrl), loginHint: account?.smtpUser, now: services.now(),
  });
  if (!url) throw new ApiError('precondition', { reason: 'oauth_client_missing', params: { provider: OAUTH_PROVIDER_TABLE[provider].name } });
  return url;
}

/** Connect Google / Connect Microsoft on an account, or to add one, under /api/accounts. */
export function oauthConnectRoutes() {
  return createAuthedRouter()
    .openapi(connectNew, async (c) => {
      // Only who may own accounts adds one: the same rule as a new account's owner.
      await resolveOwner(c.var.em, c.var.user, undefined);
      return c.json({ url: await authorizeUrl(c, c.req.valid('param').provider, null) }, 200);
    })
    .openapi(connect, async (c) => {
      const { id, provider } = c.req.valid('param');
      const account = await loadOwned(c.var.em, c.var.user, 'account', id, 'change');
      return c.json({ url: await authorizeUrl(c, provider, account) }, 200);
    });
}

/**
 * A new account of the connected mailbox, on the provider's servers and under its daily quota,
 * owned by who connected it.
 * One mailbox is one account per owner: connecting it again is Reconnect on that account.
 */
async function createConnected(em: Em, secrets: SecretBox, owner: User, connected: ConnectedGrant, defaultDailyLimit: number): Promise<EmailAccount> {
  const own = await em.find(AccountEntity, { owner: owner.id });
  const twin = own.find((a) => sameMailbox(connected.address, a.smtpUser));
  if (twin) throw new ConnectError('duplicate_mailbox', `The user already has an account for ${connected.address}`, twin.id);
  return em.transactional(async (tx) => {
    const { smtp } = connected.provider;
    // Gmail and Workspace differ in quota, which only the address tells apart.
    const preset = providerOf({ address: connected.address, host: smtp.host });
    const account = tx.create(AccountEntity, {
      name: connected.address,
      fromName: owner.name,
      fromEmail: connected.address,
      smtpHost: smtp.host,
      smtpPort: smtp.port,
      smtpSecurity: smtp.security,
      smtpUser: connected.address,
      dailyLimit: preset?.dailyLimit?.suggested ?? defaultDailyLimit,
      owner,
      department: owner.department!,
    });
    await tx.flush();
    await storeGrant(tx, secrets, account.id, connected);
    return account;
  });
}

const callback = createRoute({
  method: 'get', path: '/callback', tags, summary: 'Where the provider sends the browser back; redirects to the accounts page with the outcome',
  request: { query: S.CallbackQuery },
  responses: { 302: { description: 'To the accounts page' }, ...errorResponses },
});

/** The redirect URL, under /api/oauth. */
export function oauthCallbackRoutes() {
  return createAuthedRouter().openapi(callback, async (c) => {
    const { em, services } = c.var;
    const { code, state, error } = c.req.valid('query');
    /** The grant on the account it was asked for (the same mailbox only), or on a new account. */
    const keep = async (connected: ConnectedGrant, account: EmailAccount | null, owner: User | null, settings: Settings) => {
      if (!account) return createConnected(em, services.secrets, owner!, connected, settings.defaultDailyLimit);
      if (!sameMailbox(connected.address, account.smtpUser)) {
        throw new ConnectError('wrong_mailbox', `Signed in as ${connected.address}, not ${account.smtpUser}`, account.id);
      }
      await storeGrant(em, services.secrets, account.id, connected);
      return account;
    };
    const back = (params: Record<string, string>) => c.redirect(`${services.config.publicUrl}/accounts?${new URLSearchParams(params)}`, 302);
    try {
      // The user said no on the consent screen, or the provider refused the request; its own words are not passed on.
      if (error === 'access_denied') throw new ConnectError('denied', 'The user declined the consent screen');
      if (error || !code || !state) throw new ConnectError('provider_refused', `The provider answered ${error ?? 'without a code'}`);
      const pending = openState(services.secrets, state, c.var.user.id, services.now());
      // Still the user's to change (they may have lost it while away at the provider), or still one who may own accounts.
      const account = pending.accountId === null ? null : await loadOwned(em, c.var.user, 'account', pending.accountId, 'change');
      const owner = account ? null : await resolveOwner(em, c.var.user, undefined);
      const settings = await settingsRepository.get(em, services.config.publicUrl);
      const connected = await finishConnect(settings, services.secrets, services.config.oauthIssuers, pending, code, callbackUrl(services.config.publicUrl), services.now);
      const target = await keep(connected, account, owner, settings).catch(async (err: unknown) => {
        // A grant Mailroom does not keep is given back at once.
        await revokeGrant(settings, services.secrets, services.config.oauthIssuers, connected.provider.id, connected.grant.refreshToken);
        throw err;
      });
      // A fresh grant makes the last verdict (a revoked grant's red) meaningless: the next send or test judges again.
      await services.engine.recordHealth(em, target, 'unknown', null, null);
      return back({ oauth: 'connected', account: String(target.id) });
    } catch (err) {
      // The browser came here by a redirect: any refusal (the account gone or no longer the user's too) is shown on the accounts page, not as JSON,
      // and only as a code the page words: a link anyone can craft must not carry text Mailroom would show.
      if (err instanceof ConnectError) return back({ oauth: 'failed', reason: err.reason, ...(err.accountId ? { account: String(err.accountId) } : {}) });
      if (toApiError(err)) return back({ oauth: 'failed', reason: 'not_allowed' satisfies ConnectFailure });
      throw err;
    }
  });
}
