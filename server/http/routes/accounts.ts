import { createRoute } from '@hono/zod-openapi';
import { createAuthedRouter } from '../router.js';
import { errorResponse, errorResponses, IdParams, json, jsonBody, OkSchema, pageOf } from '../openapi.js';
import { resolveOwner } from '../owned.js';
import { loadOwned } from '../../security/owned.js';
import type { AccountPace } from '../../engine/index.js';
import type { Context } from 'hono';
import type { AuthedEnv } from '../env.js';
import { EmailAccountSchema as AccountEntity, type EmailAccount } from '../../db/entities/email-account.entity.js';
import { listOwned } from '../../db/repositories/ownership.repository.js';
import { settingsRepository } from '../../db/repositories/settings.repository.js';
import { departmentScope } from '../../domain/visibility.js';
import { checkSmtpLogin } from '../../mail/smtp-check.js';
import { grantCheckOutcome } from '../../domain/oauth-providers.js';
import { missingSecret, retargeted, SMTP_TARGET_FIELDS } from '../../domain/account-secrets.js';
import { oauthGrantRepository, type StoredGrant } from '../../db/repositories/oauth-grant.repository.js';
import { revokeStoredGrant } from '../../mail/oauth-connect.js';
import { inboxSummaries } from './inboxes.js';
import * as S from '../schemas/accounts.js';
import { spend } from '../rate-limits.js';

const tags = ['accounts'];
const LABEL = 'Account';
const SEARCH_FIELDS = ['name', 'fromName', 'fromEmail', 'smtpHost', 'smtpUser'];

/** The password never leaves the server: only `hasPassword` says one is stored. */
const toAccountDto = (a: EmailAccount, pace: AccountPace, inbox: S.AccountDto['inbox']): S.AccountDto => ({
  ...pace,
  id: a.id,
  ownerId: a.owner.id,
  ownerName: a.owner.getEntity().name,
  departmentId: a.department.id,
  name: a.name,
  fromName: a.fromName,
  fromEmail: a.fromEmail,
  smtpHost: a.smtpHost,
  smtpPort: a.smtpPort,
  smtpSecurity: a.smtpSecurity,
  smtpUser: a.smtpUser,
  hasPassword: Boolean(a.smtpPasswordEnc),
  main: a.main,
  massMailEnabled: a.massMailEnabled,
  dailyLimit: a.dailyLimit,
  timeZone: a.timeZone ?? null,
  dkimDomain: a.dkimDomain ?? null,
  dkimSelector: a.dkimSelector ?? null,
  hasDkimKey: Boolean(a.dkimPrivateKeyEnc),
  oauthProvider: (a.oauthProvider as S.AccountDto['oauthProvider']) ?? null,
  health: a.health,
  healthReason: a.healthReason ?? null,
  healthDetail: a.healthDetail ?? null,
  healthCheckedAt: a.healthCheckedAt?.toISOString() ?? null,
  inbox,
  createdAt: a.createdAt.toISOString(),
});

/** Accounts as the API shows them, with their live star, today's count, next slot and incoming side. */
async function dtos(c: Context<AuthedEnv>, accounts: EmailAccount[]): Promise<S.AccountDto[]> {
  const { em, services } = c.var;
  const paces = await services.engine.accountPaces(em, accounts, await settingsRepository.get(em, services.config.publicUrl));
  const inboxes = await inboxSummaries(em, accounts);
  return accounts.map((a) => toAccountDto(a, paces.get(a.id)!, inboxes.get(a.id) ?? null));
}
const dto = async (c: Context<AuthedEnv>, account: EmailAccount) => (await dtos(c, [account]))[0];

/** Gives an account's dropped OAuth grant back to its provider, best effort: nothing of Mailroom's may keep working through it. */
async function revokeDropped(c: Context<AuthedEnv>, grant: StoredGrant | null) {
  const { em, services } = c.var;
  if (grant) await revokeStoredGrant(await settingsRepository.get(em, services.config.publicUrl), services.secrets, services.config.oauthIssuers, grant);
}

/** After an account changes or goes, the pending recipients it can no longer take move to the owner's other accounts. */
const moveStranded = (c: Context<AuthedEnv>, ownerIds: number[]) => c.var.services.engine.rebindOwners(c.var.em, ownerIds);

const list = createRoute({
  method: 'get', path: '/', tags, summary: 'Email accounts visible to you',
  request: { query: S.AccountListQuery },
  responses: { 200: json(pageOf(S.AccountSchema), 'One page'), ...errorResponses },
});
const get = createRoute({
  method: 'get', path: '/{id}', tags, summary: 'One email account',
  request: { params: IdParams },
  responses: { 200: json(S.AccountSchema, LABEL), ...errorResponses },
});
const create = createRoute({
  method: 'post', path: '/', tags, summary: 'Add an email account (yours; admins may name another owner)',
  request: { body: jsonBody(S.AccountInput) },
  responses: { 201: json(S.AccountSchema, 'Created'), ...errorResponses },
});
const update = createRoute({
  method: 'patch', path: '/{id}', tags, summary: 'Change an account you own (admins: any); an omitted password is kept, but a new SMTP host, port, security or login needs it again (and a new DKIM domain or selector the key)',
  request: { params: IdParams, body: jsonBody(S.AccountPatch) },
  responses: { 200: json(S.AccountSchema, 'Changed'), ...errorResponses },
});
const remove = createRoute({
  method: 'delete', path: '/{id}', tags, summary: 'Delete an account you own (admins: any)',
  request: { params: IdParams },
  responses: { 200: json(OkSchema, 'Deleted'), ...errorResponses },
});
const test = createRoute({
  method: 'post', path: '/{id}/test', tags, summary: 'Sign in to the SMTP server now and record the account health',
  request: { params: IdParams },
  responses: { 200: json(S.AccountTestResultSchema, 'Outcome of the sign-in'), ...errorResponses, 429: errorResponse('Too many connection tests; Retry-After says when to try again') },
});

export function accountRoutes() {
  return createAuthedRouter()
    .openapi(list, async (c) => {
      const { q, sort, dir, page, pageSize, ownerId, departmentId } = c.req.valid('query');
      const { items, total } = await listOwned<EmailAccount>(c.var.em, AccountEntity, SEARCH_FIELDS, { q, ownerId, departmentId }, departmentScope(c.var.user), { sort, dir, page, pageSize });
      return c.json({ items: await dtos(c, items), total, page, pageSize }, 200);
    })
    .openapi(get, async (c) => c.json(await dto(c, await loadOwned(c.var.em, c.var.user, 'account', c.req.valid('param').id, 'see')), 200))
    .openapi(create, async (c) => {
      const { em, services } = c.var;
      const { ownerId, password, dailyLimit, dkimPrivateKey, ...fields } = c.req.valid('json');
      const owner = await resolveOwner(em, c.var.user, ownerId);
      const limit = dailyLimit ?? (await settingsRepository.get(em, services.config.publicUrl)).defaultDailyLimit;
      const account = em.create(AccountEntity, {
        ...fields,
        dailyLimit: limit,
        smtpPasswordEnc: services.secrets.encrypt(password),
        dkimPrivateKeyEnc: dkimPrivateKey ? services.secrets.encrypt(dkimPrivateKey) : null,
        owner,
        department: owner.department!,
      });
      await em.flush();
      return c.json(await dto(c, account), 201);
    })
    .openapi(update, async (c) => {
      const { em, services } = c.var;
      const actor = c.var.user;
      const account = await loadOwned(em, actor, 'account', c.req.valid('param').id, 'change');
      const { ownerId, password, dkimPrivateKey, ...fields } = c.req.valid('json');
      const previousOwnerId = account.owner.id;
      const owner = ownerId === undefined ? account.owner.getEntity() : await resolveOwner(em, actor, ownerId);
      const missing = missingSecret(account, { ...fields, password, dkimPrivateKey });
      if (missing) throw missing;
      // A new server, login or password makes the last health check meaningless.
      const smtpChanged = password !== undefined || retargeted(SMTP_TARGET_FIELDS, account, fields).length > 0;
      const dropped = smtpChanged ? await oauthGrantRepository.read(em, account.id) : null;
      em.assign(account, {
        ...fields,
        owner,
        department: owner.department!,
        ...(password === undefined ? {} : { smtpPasswordEnc: services.secrets.encrypt(password) }),
        ...(dkimPrivateKey === undefined ? {} : { dkimPrivateKeyEnc: dkimPrivateKey === null ? null : services.secrets.encrypt(dkimPrivateKey) }),
        ...(smtpChanged ? { health: 'unknown' as const, healthReason: null, healthDetail: null, healthCheckedAt: null } : {}),
        // A password or another server makes it a password account: an OAuth grant's tokens only go to the server it was connected on.
        ...(smtpChanged ? { oauthProvider: null, oauthRefreshTokenEnc: null, oauthAccessTokenEnc: null, oauthAccessExpiresAt: null, oauthRefreshingUntil: null } : {}),
      });
      await em.flush();
      await revokeDropped(c, dropped);
      await moveStranded(c, [previousOwnerId, account.owner.id]);
      return c.json(await dto(c, account), 200);
    })
    .openapi(remove, async (c) => {
      const { em } = c.var;
      const account = await loadOwned(em, c.var.user, 'account', c.req.valid('param').id, 'change');
      const ownerId = account.owner.id;
      const grant = await oauthGrantRepository.read(em, account.id);
      await em.remove(account).flush();
      await revokeDropped(c, grant);
      await moveStranded(c, [ownerId]);
      return c.json({ ok: true as const }, 200);
    })
    .openapi(test, async (c) => {
      const { em, services } = c.var;
      const account = await loadOwned(em, c.var.user, 'account', c.req.valid('param').id, 'change');
      await spend(c, c.var.limits.connectionTests, c.var.user.id, 'too_many_connection_tests');
      const outcome = await services.engine.ctx.credentials.smtp(em, account).then(
        (credentials) => checkSmtpLogin({ host: account.smtpHost, port: account.smtpPort, security: account.smtpSecurity, user: account.smtpUser }, credentials),
        grantCheckOutcome,
      );
      await services.engine.recordHealth(em, account, outcome.health, outcome.health === 'ok' ? null : outcome.message, outcome.detail);
      return c.json({ ok: outcome.health === 'ok', health: outcome.health, message: outcome.message, detail: outcome.detail }, 200);
    });
}
