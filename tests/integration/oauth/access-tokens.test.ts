import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initORM, type Orm } from '../../../server/db/orm.js';
import { knexOf } from '../../../server/db/knex.js';
import { settingsRepository } from '../../../server/db/repositories/settings.repository.js';
import { oauthGrantRepository } from '../../../server/db/repositories/oauth-grant.repository.js';
import { AccessTokens } from '../../../server/mail/access-tokens.js';
import { OAuthGrantError } from '../../../server/domain/oauth-providers.js';
import { SecretBox } from '../../../server/security/secret-box.js';
import { scratchDatabase } from '../../support/databases.js';
import { Factories } from '../../support/factories.js';
import { TestOAuthProvider } from '../../support/oauth-provider.js';

const SCOPE = 'https://mail.google.com/';

describe('AccessTokens against an OAuth provider, shared by two processes through MariaDB', () => {
  const secrets = new SecretBox(Buffer.alloc(32, 3));
  const provider = new TestOAuthProvider(15510);
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  // Two ORMs with their own connection pools: two worker processes as the database sees them.
  let orms: Orm[];
  let accountId: number;
  let tokens: AccessTokens[];

  const grantRow = () => oauthGrantRepository.read(orms[0].em.fork(), accountId);
  const storedRefreshToken = async () => secrets.decrypt((await grantRow())!.refreshTokenEnc!);
  /** Stores a grant whose access token runs out `inMs` from now. */
  const connectWith = async (refreshToken: string, inMs: number) =>
    oauthGrantRepository.connect(orms[0].em.fork(), accountId, {
      provider: 'google', refreshTokenEnc: secrets.encrypt(refreshToken), accessTokenEnc: secrets.encrypt('old-access-token'), accessExpiresAt: new Date(Date.now() + inMs),
    });

  beforeAll(async () => {
    await provider.start();
    db = await scratchDatabase('mysql');
    orms = [await initORM(db.target), await initORM(db.target, { migrate: false })];
    const factories = new Factories(orms[0], secrets, 'unused');
    const owner = await factories.user('sales_manager', (await factories.department()).id);
    accountId = (await factories.account(owner, { smtpUser: 'anna@mail.test' })).id;
    const em = orms[0].em.fork();
    const settings = await settingsRepository.get(em, 'http://localhost');
    Object.assign(settings, { googleClientId: 'mailroom-client', googleClientSecretEnc: secrets.encrypt('client-secret') });
    await em.flush();
    tokens = [0, 1].map(() => new AccessTokens({ secrets, now: () => new Date(), issuers: { google: provider.issuer }, pollMs: 20 }));
  });

  afterAll(async () => {
    await Promise.all(orms.map((o) => o.close()));
    await db.drop();
    await provider.stop();
  });

  beforeEach(() => {
    provider.refreshRequests = 0;
  });

  // A token with time left is used as it is: no request to the provider per send.
  it('uses a stored access token that is not about to expire', async () => {
    await connectWith(provider.issueGrant('anna@mail.test', SCOPE), 30 * 60_000);
    expect(await tokens[0].accessToken(orms[0].em.fork(), accountId)).toBe('old-access-token');
    expect(provider.refreshRequests).toBe(0);
  });

  // Refreshed before it expires (inside the margin), and the rotated refresh token is kept.
  it('refreshes a token that expires within the margin and stores the rotated refresh token', async () => {
    const first = provider.issueGrant('anna@mail.test', SCOPE);
    await connectWith(first, 60_000);
    const token = await tokens[0].accessToken(orms[0].em.fork(), accountId);
    expect(token).not.toBe('old-access-token');
    expect(provider.refreshRequests).toBe(1);
    const row = await grantRow();
    expect(row!.accessExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    expect(row!.refreshingUntil).toBeNull();
    expect(await storedRefreshToken()).not.toBe(first);
    expect(provider.liveRefreshTokens()).toContain(await storedRefreshToken());
  });

  // Two workers needing a token at once: one refreshes, the other reuses its result. Were both to
  // spend the same rotating refresh token, the second would get invalid_grant (and a careless
  // loser would overwrite the new refresh token): the grant must survive a further refresh.
  it('lets only one of two processes refresh, and the grant survives', async () => {
    await connectWith(provider.issueGrant('anna@mail.test', SCOPE), -1000);
    const [a, b] = await Promise.all(tokens.map((t, i) => t.accessToken(orms[i].em.fork(), accountId)));
    expect(a).toBe(b);
    expect(provider.refreshRequests).toBe(1);
    expect(provider.liveRefreshTokens()).toContain(await storedRefreshToken());

    await knexOf(orms[0].em.fork())('email_accounts').where({ id: accountId }).update({ oauth_access_expires_at: new Date(Date.now() - 1000) });
    const again = await Promise.all(tokens.map((t, i) => t.accessToken(orms[i].em.fork(), accountId)));
    expect(again[0]).toBe(again[1]);
    expect(provider.refreshRequests).toBe(2);
  });

  // A revoked grant is a revocation, not a passing failure: the caller turns the account red.
  it('reports a revoked grant as revoked and leaves no lease behind', async () => {
    await connectWith(provider.issueGrant('anna@mail.test', SCOPE), -1000);
    provider.revokeUser('anna@mail.test');
    const failure = await tokens[0].accessToken(orms[0].em.fork(), accountId).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OAuthGrantError);
    expect((failure as OAuthGrantError).kind).toBe('revoked');
    expect((failure as OAuthGrantError).problem).toMatchObject({ cause: 'refused', reply: expect.stringMatching(/^invalid_grant/) });
    expect((await grantRow())!.refreshingUntil).toBeNull();
  });

  // A grant without the mail scope (the user unticked it on the consent screen) cannot send or read.
  it('reports a grant that lacks the mail scope as revoked, naming the scope', async () => {
    await connectWith(provider.issueGrant('anna@mail.test', 'openid email'), -1000);
    const failure = (await tokens[0].accessToken(orms[0].em.fork(), accountId).catch((e: unknown) => e)) as OAuthGrantError;
    expect(failure.kind).toBe('revoked');
    expect(failure.problem).toMatchObject({ cause: 'missing_scopes', scopes: expect.arrayContaining([SCOPE]) });
  });
});
