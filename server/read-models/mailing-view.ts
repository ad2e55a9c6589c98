import type { DateTime } from 'luxon';
import { completion } from '../domain/completion.js';
import { accountToday } from '../domain/account-health.js';
import { calendarOf, todayIn } from '../domain/business-days.js';
import { eta } from '../domain/pacing.js';
import type { Em } from '../db/orm.js';
import type { Settings } from '../db/entities/settings.entity.js';
import { latestNotifications, mailingRows, type MailingRow } from '../db/repositories/mailing-list.repository.js';
import { settingsRepository } from '../db/repositories/settings.repository.js';
import { ledgerRepository } from '../db/repositories/ledger.repository.js';
import { accountRepository } from '../db/repositories/account.repository.js';
import { statusDetailOf } from '../db/repositories/note-params.js';
import type { Services } from '../services.js';
import { MailingSchema, type MailingDetailDto, type MailingDto } from './mailing-schemas.js';
import { columnsOf } from './columns.js';
import { accountStars } from './account-stars.js';

/** The organisation's "today" for the Sent today column. */
export const todayStart = (settings: Settings, now: Date) => todayIn(settings.timeZone, now).start;

/** Mailing rows as the list and the detail page show them: counters, stars and latest notifications. */
export async function mailingDtos(em: Em, rows: MailingRow[], settings: Settings, now: Date, notificationsPer = 5): Promise<MailingDto[]> {
  const [stars, notes] = await Promise.all([
    accountStars(em, rows.map((r) => Number(r.owner_id)), settings, now),
    latestNotifications(em, rows.map((r) => Number(r.id)), notificationsPer),
  ]);
  return rows.map((r) =>
    MailingSchema.parse({
      ...columnsOf(MailingSchema.shape, r),
      statusDetail: statusDetailOf(r.status_detail),
      // The counters are named in the table for what they count.
      sent: r.sent_count, failed: r.failed_count, skipped: r.skipped_count, uncertain: r.uncertain_count,
      bounced: r.bounced_count, complained: r.complained_count, replied: r.replied_count,
      completion: completion({ total: Number(r.total), sent: Number(r.sent_count), skipped: Number(r.skipped_count) }),
      accounts: stars.get(Number(r.owner_id)) ?? [],
      notifications: (notes.get(Number(r.id)) ?? []).map((n) => ({ ...n, at: n.at.toISOString() })),
    }),
  );
}

/** One mailing with its live progress by state: the mailing page and a live subscription's snapshot; null when there is none. */
export async function mailingDetail(em: Em, services: Pick<Services, 'now' | 'config'>, id: number): Promise<MailingDetailDto | null> {
  const now = services.now();
  const settings = await settingsRepository.get(em, services.config.publicUrl);
  const [row] = await mailingRows(em, [id], todayStart(settings, now));
  if (!row) return null;
  const [dto] = await mailingDtos(em, [row], settings, now, 50);
  const progress = await ledgerRepository.progress(em, id, now);
  return { ...dto, progress, eta: await finishEstimate(em, id, settings, now) };
}

/** When the mailing should be done at the allowed pace: the latest of its accounts' estimates. */
async function finishEstimate(em: Em, mailingId: number, settings: Settings, now: Date): Promise<string | null> {
  const pending = await ledgerRepository.pendingByAccount(em, mailingId);
  if (!pending.size) return null;
  const calendar = calendarOf(settings);
  let latest: DateTime | null = null;
  for (const account of await accountRepository.byIds(em, [...pending.keys()])) {
    const { local, start } = accountToday(account, settings, now);
    const sentToday = await ledgerRepository.sentSince(em, account.id, start);
    const done = eta(local, { dailyLimit: account.dailyLimit, sentToday }, calendar, pending.get(account.id)!);
    if (done && (!latest || done > latest)) latest = done;
  }
  return latest?.toUTC().toISO() ?? null;
}
