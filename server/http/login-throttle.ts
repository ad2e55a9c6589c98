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
 *   wait 1, 2, 4 … seconds, never more than 30 (a distributed attack gets ~120 guesses an hour);
 * - per device: a browser that signed in to the account before (device-cookie.ts) skips the
 *   address-and-account and account counts, which others can run up, and has 10 failures an hour
 *   of its own, then waits 10 minutes.
 */
export const LOGIN_LIMITS = {
  byAddress: { keyPrefix: 'login_address', points: 100, duration: 86_400, blockDuration: 86_400 },
  byAddressAndAccount: { keyPrefix: 'login_address_account', points: 10, duration: 86_400, blockDuration: 600 },
  accountFailures: { keyPrefix: 'login_account_failures', points: 5, duration: 3_600 },
  accountWait: { keyPrefix: 'login_account_wait', points: 1, duration: 1 },
  byDevice: { keyPrefix: 'login_device', points: 10, duration: 3_600, blockDuration: 600 },
} as const satisfies Record<string, LimiterOptions>;

/** The longest wait an account's failures impose on everyone (seconds). */
export const MAX_ACCOUNT_WAIT_S = 30;

export type LoginLimiters = Record<keyof typeof LOGIN_LIMITS, RateLimiterAbstract>;

/** Keys never hold the e-mail itself, and stay short whatever was typed. */
const accountKey = (email: string) => createHash('sha256').update(email).digest('base64url');

/** Consumes one point, or throws LoginWait when the limiter refuses (an Error when it failed). */
const take = (limiter: RateLimiterAbstract, key: string) =>
  limiter.consume(key).catch((err) => {
    throw err instanceof RateLimiterRes ? new LoginWait(err.msBeforeNext) : err;
  });

/** Thrown while an attempt must wait; `ms` is how long. */
export class LoginWait extends Error {
  constructor(readonly ms: number) {
    super('Too many failed sign-ins');
  }
}

export class LoginThrottle {
  constructor(private readonly limiters: LoginLimiters) {}

  /**
   * Lets a sign-in attempt be checked, or throws LoginWait. Every count is taken up front, in one
   * atomic step each, and given back when the attempt is refused or succeeds: a burst of parallel
   * requests gets no more passwords checked than the same requests one after another.
   */
  async begin(address: string, email: string, device: string | null): Promise<void> {
    const { byAddress, byAddressAndAccount, accountFailures, accountWait, byDevice } = this.limiters;
    const account = accountKey(email);
    const pair = `${address}|${account}`;
    const undo: (() => Promise<unknown>)[] = [];
    try {
      await take(byAddress, address);
      undo.push(() => byAddress.reward(address, 1));
      if (device) {
        await take(byDevice, device);
        return;
      }
      await take(byAddressAndAccount, pair);
      undo.push(() => byAddressAndAccount.reward(pair, 1));
      const attempts = await accountFailures.penalty(account, 1);
      undo.push(() => accountFailures.reward(account, 1));
      // Past the free failures, one attempt per wait: the first to take the slot, from anywhere.
      if (attempts.consumedPoints > accountFailures.points) await take(accountWait, account);
    } catch (err) {
      // Refused unchecked: no failure of this address, pair or account.
      if (err instanceof LoginWait) await Promise.all(undo.map((fn) => fn()));
      throw err;
    }
  }

  /** The password was wrong (or the account unknown): the next attempt on the account waits longer. */
  async failed(address: string, email: string, device: string | null): Promise<void> {
    // A known device's failure was counted as it began, against the device alone.
    if (device) return;
    const { accountFailures, accountWait } = this.limiters;
    const account = accountKey(email);
    const failures = await accountFailures.get(account);
    const over = (failures?.consumedPoints ?? 0) - accountFailures.points;
    if (over > 0) await accountWait.block(account, Math.min(2 ** (over - 1), MAX_ACCOUNT_WAIT_S));
  }

  /** Signed in: the address and the account (or device) get the attempt back, and a run of failures ends. */
  async succeeded(address: string, email: string, device: string | null): Promise<void> {
    const { byAddress, byAddressAndAccount, accountFailures, byDevice } = this.limiters;
    const account = accountKey(email);
    await byAddress.reward(address, 1);
    if (device) await byDevice.delete(device);
    else await Promise.all([byAddressAndAccount.delete(`${address}|${account}`), accountFailures.reward(account, 1)]);
  }
}
