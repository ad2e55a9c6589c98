import { createRoute } from '@hono/zod-openapi';
import { createAuthedRouter } from '../router.js';
import { errorResponse, errorResponses, IdParams, json, jsonBody, OkSchema } from '../openapi.js';
import { ApiError } from '../errors.js';
import { loadOwned } from '../../security/owned.js';
import { InboxSchema as InboxEntity, type Inbox } from '../../db/entities/inbox.entity.js';
import type { EmailAccount } from '../../db/entities/email-account.entity.js';
import type { Em } from '../../db/orm.js';
import { inboxSettingsRepository } from '../../db/repositories/inbox-settings.repository.js';
import { missingInboxPassword, oauthInboxRefusal, retargeted } from '../../domain/account-secrets.js';
import { providerOf, providerOfAddress } from '../../domain/mail-providers.js';
import { grantCheckOutcome, oauthProviderOf } from '../../domain/oauth-providers.js';
import { checkImapLogin } from '../../mail/imap-check.js';
import * as S from '../schemas/inboxes.js';
import { spend } from '../rate-limits.js';

/**
 * An account's incoming side: the IMAP mailbox its bounces, complaints and replies arrive in, at
 * /api/accounts/{id}/inbox. Seen and changed under the account's own rights.
 */

const tags = ['accounts'];
const LABEL = 'The account’s incoming settings';
/** The fields that name the mailbox itself: a change reads another mailbox, whose UIDs mean nothing to the cursors kept. */
const MAILBOX_FIELDS = ['kind', 'host', 'port', 'user'] as const;

/** The password never leaves the server: only `hasPassword` says one is stored (none: it signs in with the account's OAuth grant). */
const toInboxDto = (i: Inbox): S.InboxDto => ({
  accountId: i.account.id,
  kind: i.kind,
  host: i.host,
  port: i.port,
  security: i.security,
  user: i.user,
  hasPassword: Boolean(i.passwordEnc),
  folders: i.folders,
  bounceFolder: i.bounceFolder ?? null,
  health: i.health,
  healthReason: i.healthReason ?? null,
  healthDetail: i.healthDetail ?? null,
  healthCheckedAt: i.healthCheckedAt?.toISOString() ?? null,
  lastReadAt: i.lastReadAt?.toISOString() ?? null,
  createdAt: i.createdAt.toISOString(),
});

/** What the accounts list shows of each account's incoming side; null for an account without one. */
export async function inboxSummaries(em: Em, accounts: EmailAccount[]): Promise<Map<number, S.InboxSummaryDto | null>> {
  const inboxes = await inboxSettingsRepository.ofAccounts(em, accounts.map((a) => a.id));
  return new Map(
    accounts.map((a) => {
      const i = inboxes.get(a.id);
      if (!i) return [a.id, null];
      const { kind, health, healthReason, healthDetail, healthCheckedAt, lastReadAt, folders } = toInboxDto(i);
      return [a.id, { kind, health, healthReason, healthDetail, healthCheckedAt, lastReadAt, folders }];
    }),
  );
}

/**
 * Whether settings without a password of their own may sign in with the account's OAuth grant
 * (XOAUTH2), or the refusal: the account must be connected, and the server one the token may go to.
 */
function grantRefusal(account: EmailAccount, host: string) {
  const provider = account.oauthProvider ? oauthProviderOf(account.oauthProvider) : null;
  if (!provider) return new ApiError('invalid_input', { reason: 'imap_password_required', params: {} }, { field: 'password' });
  return oauthInboxRefusal(provider, account.smtpHost, host);
}

async function inboxOf(em: Em, account: EmailAccount): Promise<Inbox> {
  const inbox = await inboxSettingsRepository.ofAccount(em, account.id);
  if (!inbox) throw new ApiError('not_found', { reason: 'inbox_not_found', params: {} });
  return inbox;
}

const get = createRoute({
  method: 'get', path: '/{id}/inbox', tags, summary: 'The incoming settings of an account (404 when bounces and replies are not read)',
  request: { params: IdParams },
  responses: { 200: json(S.InboxSchema, LABEL), ...errorResponses },
});
const put = createRoute({
  method: 'put', path: '/{id}/inbox', tags,
  summary: 'Create or replace the incoming settings of an account you own (admins: any); an omitted password is kept, but a new host, port, security or user needs it again',
  request: { params: IdParams, body: jsonBody(S.InboxInput) },
  responses: { 200: json(S.InboxSchema, 'Saved'), ...errorResponses },
});
const remove = createRoute({
  method: 'delete', path: '/{id}/inbox', tags, summary: 'Stop reading the account’s incoming mail',
  request: { params: IdParams },
  responses: { 200: json(OkSchema, 'Deleted'), ...errorResponses },
});
const test = createRoute({
  method: 'post', path: '/{id}/inbox/test', tags, summary: 'Sign in to the IMAP server now, open every folder, and record the inbox health',
  request: { params: IdParams },
  responses: { 200: json(S.InboxTestResultSchema, 'Outcome of the sign-in'), ...errorResponses, 429: errorResponse('Too many connection tests; Retry-After says when to try again') },
});
const preset = createRoute({
  method: 'get', path: '/{id}/inbox/preset', tags, summary: 'The IMAP settings of the account’s provider, when it is a well-known one',
  request: { params: IdParams },
  responses: { 200: json(S.InboxPresetSchema, 'The preset, or null'), ...errorResponses },
});

export function inboxRoutes() {
  return createAuthedRouter()
    .openapi(get, async (c) => {
      const { em } = c.var;
      const account = await loadOwned(em, c.var.user, 'account', c.req.valid('param').id, 'see');
      return c.json(toInboxDto(await inboxOf(em, account)), 200);
    })
    .openapi(put, async (c) => {
      const { em, services } = c.var;
      const account = await loadOwned(em, c.var.user, 'account', c.req.valid('param').id, 'change');
      const { password, ...fields } = c.req.valid('json');
      const inbox = await inboxSettingsRepository.ofAccount(em, account.id);
      // No password: the account's OAuth grant signs in, where it may.
      const refusal = password === undefined && !inbox?.passwordEnc ? grantRefusal(account, fields.host) : null;
      if (refusal) throw refusal;
      if (!inbox) {
        const created = em.create(InboxEntity, { ...fields, account, passwordEnc: password === undefined ? null : services.secrets.encrypt(password) });
        await em.flush();
        await services.engine.readInboxes([created.id]);
        return c.json(toInboxDto(created), 200);
      }
      const missing = inbox.passwordEnc ? missingInboxPassword(inbox, { ...fields, password }) : null;
      if (missing) throw missing;
      const otherMailbox = retargeted(MAILBOX_FIELDS, inbox, fields).length > 0;
      // Any change makes the last check meaningless; the same values sent back change nothing.
      const changed =
        password !== undefined ||
        otherMailbox ||
        fields.security !== inbox.security ||
        fields.bounceFolder !== (inbox.bounceFolder ?? null) ||
        JSON.stringify(fields.folders) !== JSON.stringify(inbox.folders);
      em.assign(inbox, {
        ...fields,
        ...(password === undefined ? {} : { passwordEnc: services.secrets.encrypt(password) }),
        ...(changed ? { health: 'unknown' as const, healthReason: null, healthDetail: null, healthCheckedAt: null } : {}),
        ...(otherMailbox ? { lastReadAt: null } : {}),
      });
      await em.transactional(async (tx) => {
        await tx.flush();
        if (otherMailbox) await inboxSettingsRepository.forgetCursors(tx, inbox.id);
      });
      if (changed) await services.engine.readInboxes([inbox.id]);
      return c.json(toInboxDto(inbox), 200);
    })
    .openapi(remove, async (c) => {
      const { em } = c.var;
      const account = await loadOwned(em, c.var.user, 'account', c.req.valid('param').id, 'change');
      await em.remove(await inboxOf(em, account)).flush();
      return c.json({ ok: true as const }, 200);
    })
    .openapi(test, async (c) => {
      const { em, services } = c.var;
      const account = await loadOwned(em, c.var.user, 'account', c.req.valid('param').id, 'change');
      await spend(c, c.var.limits.connectionTests, c.var.user.id, 'too_many_connection_tests');
      const inbox = await inboxOf(em, account);
      if (inbox.kind !== 'imap') throw new ApiError('precondition', { reason: 'demo_inbox_no_imap', params: {} });
      const login = { host: inbox.host, port: inbox.port, security: inbox.security, user: inbox.user, folders: inbox.folders, bounceFolder: inbox.bounceFolder ?? null };
      const outcome = await services.engine.ctx.credentials.inbox(em, account, inbox.passwordEnc).then(
        (credentials) => checkImapLogin(login, credentials),
        grantCheckOutcome,
      );
      const now = services.now();
      const reason = outcome.health === 'ok' ? null : outcome.message.slice(0, 500);
      em.assign(inbox, { health: outcome.health, healthReason: reason, healthDetail: outcome.detail, healthCheckedAt: now });
      await em.flush();
      services.events.emit({ type: 'inbox.health', accountId: account.id, departmentId: account.department.id, ownerId: account.owner.id, health: outcome.health, reason, detail: outcome.detail, at: now.toISOString() });
      return c.json({ ok: outcome.health === 'ok', health: outcome.health, message: outcome.message, detail: outcome.detail }, 200);
    })
    .openapi(preset, async (c) => {
      const account = await loadOwned(c.var.em, c.var.user, 'account', c.req.valid('param').id, 'see');
      // A company's own domain is known only by the server it sends through; the login may be the address.
      const provider = providerOf({ address: account.fromEmail, host: account.smtpHost }) ?? providerOfAddress(account.smtpUser);
      if (!provider) return c.json({ preset: null }, 200);
      const { id, name, imap } = provider;
      return c.json({ preset: { provider: { id, name }, ...imap, user: account.smtpUser } }, 200);
    });
}
