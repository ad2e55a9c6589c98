import type { Em } from '../db/orm.js';
import { route } from '../domain/routing.js';
import { usable } from '../domain/account-health.js';
import type { LedgerContext } from './ports.js';
import { interrupt } from './mailing-events.js';

/**
 * Moves pending recipients that their account can no longer take (deleted, switched off, failed,
 * given to someone else) to the owner's usable accounts, by the same routing as at creation. A
 * live mailing left with recipients nobody can take is interrupted with the reason. Returns the
 * accounts that received recipients, so their jobs can be woken.
 */
export async function rebindStranded(ctx: LedgerContext, em: Em, opts: { ownerId?: number; why?: { account: string; reason: string } } = {}): Promise<number[]> {
  const rows = await ctx.ledger.stranded(em, opts.ownerId);
  const woken = new Set<number>();
  const byOwner = new Map<number, typeof rows>();
  for (const r of rows) byOwner.set(r.ownerId, [...(byOwner.get(r.ownerId) ?? []), r]);
  for (const [ownerId, list] of byOwner) {
    const accounts = (await ctx.ledger.accountsOf(em, ownerId)).filter(usable);
    const routes = route(list, accounts.map((a) => ({ id: a.id, main: a.main, usable: true })));
    const byAccount = new Map<number, number[]>();
    const strandedMailings = new Set<number>();
    routes.forEach((r, i) => {
      if (r.accountId === null) strandedMailings.add(list[i].mailingId);
      else byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), list[i].id]);
    });
    for (const [accountId, ids] of byAccount) {
      await ctx.ledger.rebind(em, ids, accountId, ctx.now());
      woken.add(accountId);
    }
    for (const mailingId of strandedMailings) {
      await interrupt(ctx, em, mailingId, { code: 'no_account', account: opts.why?.account ?? null, reason: opts.why?.reason ?? null });
    }
  }
  return [...woken];
}
