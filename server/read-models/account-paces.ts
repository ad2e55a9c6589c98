import type { Em } from '../db/orm.js';
import type { EmailAccount } from '../db/entities/email-account.entity.js';
import type { Settings } from '../db/entities/settings.entity.js';
import { ledgerRepository } from '../db/repositories/ledger.repository.js';
import { calendarOf, todayIn } from '../domain/business-days.js';
import { maySend } from '../domain/pacing.js';
import { accountZone, light, type Light } from '../domain/account-health.js';

export interface AccountPace {
  light: Light;
  sentToday: number;
  nextSendAt: string | null;
}

/** What an account's pace depends on. */
export type PacedAccount = Pick<EmailAccount, 'id' | 'dailyLimit' | 'timeZone' | 'massMailEnabled' | 'health' | 'healthReason' | 'healthDetail' | 'nextSendAt'>;

/** Each account's star now (green, or red with the reason), today's count in its zone and its next slot. */
export async function accountPaces(em: Em, accounts: PacedAccount[], settings: Settings, now: Date): Promise<Map<number, AccountPace>> {
  const calendar = calendarOf(settings);
  // Accounts share few zones: one grouped count per zone instead of one per account.
  const byZone = new Map<string, PacedAccount[]>();
  for (const a of accounts) {
    const zone = accountZone(a, settings);
    if (!byZone.has(zone)) byZone.set(zone, []);
    byZone.get(zone)!.push(a);
  }
  const paces = new Map<number, AccountPace>();
  for (const [zone, list] of byZone) {
    const { local, start } = todayIn(zone, now);
    const counts = await ledgerRepository.sentSinceByAccount(em, list.map((a) => a.id), start);
    // The verdict depends on the account only through whether its limit is reached: worked out
    // twice at most per zone. Off hours it searches days ahead, a cost per call.
    const verdicts = new Map<boolean, ReturnType<typeof maySend>>();
    const verdict = (pace: { dailyLimit: number; sentToday: number }) => {
      const key = pace.sentToday >= pace.dailyLimit;
      if (!verdicts.has(key)) verdicts.set(key, maySend(local, pace, calendar));
      return verdicts.get(key)!;
    };
    for (const a of list) {
      const sentToday = counts.get(a.id) ?? 0;
      paces.set(a.id, {
        light: light({ ...a, healthReason: a.healthReason ?? null, healthDetail: a.healthDetail ?? null }, verdict({ dailyLimit: a.dailyLimit, sentToday })),
        sentToday,
        nextSendAt: a.nextSendAt?.toISOString() ?? null,
      });
    }
  }
  return paces;
}
