/** An account as routing sees it: is it the owner's main one, and may it be used at all. */
export interface RoutableAccount {
  id: number;
  main: boolean;
  /** Enabled for mass mail and not failed (window and quota do not matter for routing). */
  usable: boolean;
}

export type Route = { accountId: number } | { accountId: null; reason: 'no_regular_account' | 'no_account' };

/**
 * Binds recipients to the owner's accounts. Main accounts mail VIP recipients only, and VIP
 * recipients go through the main account when it is usable; everyone else is dealt round-robin
 * over the usable regular accounts (starting at `offset`, so successive batches stay balanced).
 * Used at creation and again when an account is disabled, for its pending recipients.
 */
export function route(recipients: readonly { vip: boolean }[], accounts: readonly RoutableAccount[], offset = 0): Route[] {
  const main = accounts.find((a) => a.main && a.usable);
  const regular = accounts.filter((a) => !a.main && a.usable).sort((a, b) => a.id - b.id);
  let turn = offset;
  return recipients.map((r) => {
    if (r.vip && main) return { accountId: main.id };
    if (regular.length) return { accountId: regular[turn++ % regular.length].id };
    return { accountId: null, reason: main ? 'no_regular_account' : 'no_account' };
  });
}
