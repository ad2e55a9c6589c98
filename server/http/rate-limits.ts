import type { Context } from 'hono';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Services } from '../services.js';
import { dbRateLimiter } from '../db/rate-limiter.js';
import { ApiError } from './errors.js';
import { LOGIN_LIMITS, LoginThrottle, type LoginLimiters } from './login-throttle.js';

/** Test sends go through the user's own mailbox to any address: 20 an hour, so nobody can spam through it. */
const TEST_SENDS = { keyPrefix: 'test_sends', points: 20, duration: 3_600 };

/**
 * "Test" on an account's SMTP or an inbox's IMAP settings opens a connection to a host the user
 * named and may hold it 10 s: 20 in 10 minutes per user, SMTP and IMAP together, is plenty for
 * trying settings and keeps a flood from turning the server into a connection cannon.
 */
export const CONNECTION_TESTS = { keyPrefix: 'connection_tests', points: 20, duration: 600 };

/** Every rate limit of the API, counted in the database (one mechanism, shared by all web processes). */
export interface RateLimits {
  login: LoginThrottle;
  /** Keyed by user id. */
  testSends: RateLimiterAbstract;
  /** Keyed by user id. */
  connectionTests: RateLimiterAbstract;
}

export function rateLimits({ orm, config }: Pick<Services, 'orm' | 'config'>): RateLimits {
  const limiter = (opts: Parameters<typeof dbRateLimiter>[2]) => dbRateLimiter(orm, config.database.kind, opts);
  const login: LoginLimiters = {
    byAddress: limiter(LOGIN_LIMITS.byAddress),
    byAddressAndAccount: limiter(LOGIN_LIMITS.byAddressAndAccount),
    accountFailures: limiter(LOGIN_LIMITS.accountFailures),
    accountWait: limiter(LOGIN_LIMITS.accountWait),
    byDevice: limiter(LOGIN_LIMITS.byDevice),
  };
  return { login: new LoginThrottle(login), testSends: limiter(TEST_SENDS), connectionTests: limiter(CONNECTION_TESTS) };
}

/** What a limiter counts, as the refusal names it. */
type TooMany = 'too_many_sign_ins' | 'too_many_test_sends' | 'too_many_connection_tests';

/** Refuses the request with 429 and Retry-After; `reason` names what was counted (failed sign-ins, test sends). */
export function tooMany(c: Context, waitMs: number, reason: TooMany): ApiError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  c.header('Retry-After', String(seconds));
  return new ApiError('too_many_requests', { reason, params: { wait: seconds } });
}

/** Takes one point of `limiter` for `key`, or refuses the request with 429 (tooMany) when none is left. */
export async function spend(c: Context, limiter: RateLimiterAbstract, key: string | number, reason: TooMany): Promise<void> {
  await limiter.consume(key).catch((err) => {
    throw err instanceof RateLimiterRes ? tooMany(c, err.msBeforeNext, reason) : err;
  });
}
