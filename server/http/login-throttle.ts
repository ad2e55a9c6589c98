import { createHash } from 'node:crypto';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimiterOptions } from '../db/rate-limiter.js';

/**
 * Failed sign-ins, the OWASP way: slow an attacker down without handing them a way to lock the real
 * user out. Three counts, in the database so every web process shares them:
 * - per client address: 100 failures a day, then that address waits out the day (slow brute force
 *   from one place, and a flood of made-up e-mails, which can add no more rows than this);
 * - per client address and account: 10 failures in a row, then that pair waits 10 minutes (the
 *   address's own lockout; a sign-in elsewhere is not affected);
 * - per account, from anywhere: 5 failures an hour are free, each further one makes the next try
 *   wait 1, 2, 4 … seconds, never more than 30 (a distributed attack gets ~120 guesses an hour,
 *   the real user waits half a minute at worst).
 */
export const LOGIN_LIMITS = {
  byAddress: { keyPrefix: 'login_address', points: 100, duration: 86_400, blockDuration: 86_400 },
  byAddressAndAccount: { keyPrefix: 'login_address_account', points: 10, duration: 86_400, blockDuration: 600 },
  accountFailures: { keyPrefix: 'login_account_failures', points: 5, duration: 3_600 },
  accountWait: { keyPrefix: 'login_account_wait', points: 1, duration: 1 },
} as const satisfies Record<string, LimiterOptions>;

/** The longest wait an account's failures impose on everyone (seconds). */
export const MAX_ACCOUNT_WAIT_S = 30;

export type LoginLimiters = Record<keyof typeof LOGIN_LIMITS, RateLimiterAbstract>;

/** Keys never hold the e-mail itself, and stay short whatever was typed. */
const accountKey = (email: string) => createHash('sha256').update(email).digest('base64url');

const blockedFor = (limiter: RateLimiterAbstract, res: RateLimiterRes | null) => (res && res.consumedPoints > limiter.points ? res.msBeforeNext : 0);

/** Thrown while an attempt must wait; `ms` is how long. */
export class LoginWait extends Error {
  constructor(readonly ms: number) {
    super('Too many failed sign-ins');
  }
}

export class LoginThrottle {
  constructor(private readonly limiters: LoginLimiters) {}

  /**
   * Lets a sign-in attempt be checked, or throws LoginWait. It takes one of the address's daily
   * failures up front (given back on success), so a burst of parallel requests cannot outrun the count.
   */
  async begin(address: string, email: string): Promise<void> {
    const { byAddress, byAddressAndAccount, accountWait } = this.limiters;
    // The limiter rejects with a RateLimiterRes when over its limit, with an Error when it failed.
    await byAddress.consume(address).catch((err) => {
      throw err instanceof RateLimiterRes ? new LoginWait(err.msBeforeNext) : err;
    });
    const account = accountKey(email);
    const [pair, wait] = await Promise.all([byAddressAndAccount.get(`${address}|${account}`), accountWait.get(account)]);
    const ms = Math.max(blockedFor(byAddressAndAccount, pair), blockedFor(accountWait, wait));
    if (ms > 0) {
      // Refused unchecked: not a failure of this address.
      await byAddress.reward(address, 1);
      throw new LoginWait(ms);
    }
  }

  /** The password was wrong (or the account unknown): count it against the pair and the account. */
  async failed(address: string, email: string): Promise<void> {
    const { byAddressAndAccount, accountFailures, accountWait } = this.limiters;
    const account = accountKey(email);
    await byAddressAndAccount.consume(`${address}|${account}`).catch((err) => {
      // Over its limit, the pair is now blocked, which is all this count is for.
      if (!(err instanceof RateLimiterRes)) throw err;
    });
    const failures = await accountFailures.penalty(account, 1);
    const over = failures.consumedPoints - accountFailures.points;
    if (over > 0) await accountWait.block(account, Math.min(2 ** (over - 1), MAX_ACCOUNT_WAIT_S));
  }

  /** Signed in: the address gets its failure back, and the pair's run of failures ends. */
  async succeeded(address: string, email: string): Promise<void> {
    const { byAddress, byAddressAndAccount } = this.limiters;
    await Promise.all([byAddress.reward(address, 1), byAddressAndAccount.delete(`${address}|${accountKey(email)}`)]);
  }
}
