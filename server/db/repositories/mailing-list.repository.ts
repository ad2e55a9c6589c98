import type { Knex } from '@mikro-orm/knex';
import type { Em } from '../orm.js';
import { knexOf } from './ledger.repository.js';
import { containsPattern } from './like.js';

export interface MailingListFilter {
  q?: string;
  departmentId?: number;
  ownerId?: number;
  vip?: boolean;
  status?: string;
  recipientType?: string;
  ids?: number[];
}

export interface MailingRow {
  id: number;
  name: string;
  recipient_type: string;
  status: string;
  status_reason: string | null;
  message_id: number | null;
  message_name: string | null;
  message_subject: string | null;
  signature_id: number | null;
  owner_id: number;
  owner_name: string;
  department_id: number;
  vip: number | boolean;
  total: number;
  sent_count: number;
  failed_count: number;
  skipped_count: number;
  uncertain_count: number;
  combined_into: number | null;
  created_at: Date | number;
  finished_at: Date | number | null;
  last_sent_at: Date | number | null;
  sent_today: number | string;
}


/** ORDER BY expressions of the list's sortable columns. */
const SORT: Record<string, string> = {
  id: 'm.id',
  name: 'm.name',
  recipientType: 'm.recipient_type',
  status: 'm.status',
  completion: 'case when m.total - m.skipped_count > 0 then m.sent_count * 1.0 / (m.total - m.skipped_count) else 0 end',
  owner: 'u.name',
  sentToday: 'sent_today',
  total: 'm.total',
  // The owner's accounts that may send (enabled and not refused), then the latest notification.
  accounts: "(select count(*) from email_accounts a where a.owner_id = m.owner_id and a.mass_mail_enabled = 1 and a.health not in ('auth_failed', 'sender_refused', 'unreachable'))",
  notifications: '(select max(e.id) from mailing_events e where e.mailing_id = m.id)',
  createdAt: 'm.created_at',
};

function base(knex: Knex, scope: number | null, f: MailingListFilter) {
  const q = knex('mailings as m').join('users as u', 'u.id', 'm.owner_id');
  if (scope !== null) q.where('m.department_id', scope);
  if (f.departmentId) q.where('m.department_id', f.departmentId);
  if (f.ownerId) q.where('m.owner_id', f.ownerId);
  if (f.vip !== undefined) q.where('m.vip', f.vip);
  if (f.status) q.where('m.status', f.status);
  if (f.recipientType) q.where('m.recipient_type', f.recipientType);
  if (f.ids) q.whereIn('m.id', f.ids);
  if (f.q) {
    const term = f.q.replace(/^#/, '');
    q.where((w) => {
      w.where('m.name', 'like', containsPattern(term));
      if (/^\d+$/.test(term)) w.orWhere('m.id', Number(term));
    });
  }
  return q;
}

/** The mailing list: one page, the caller's departments only, with "sent today" from the ledger. */
export async function listMailings(
  em: Em,
  scope: number | null,
  filter: MailingListFilter,
  paging: { sort?: string; dir?: 'asc' | 'desc'; page: number; pageSize: number },
  todayStart: Date,
): Promise<{ rows: MailingRow[]; total: number }> {
  const knex = knexOf(em);
  const count = await base(knex, scope, filter).count({ n: '*' }).first();
  const rows = await base(knex, scope, filter)
    .leftJoin('messages as msg', 'msg.id', 'm.message_id')
    .select(
      'm.*',
      'u.name as owner_name',
      'msg.name as message_name',
      'msg.subject as message_subject',
      knex('mailing_recipients as r').whereRaw('r.mailing_id = m.id').andWhere('r.state', 'sent').andWhere('r.sent_at', '>=', todayStart).count('*').as('sent_today'),
    )
    .orderByRaw(`${SORT[paging.sort ?? 'id']} ${paging.dir ?? (paging.sort ? 'asc' : 'desc')}, m.id desc`)
    .limit(paging.pageSize)
    .offset((paging.page - 1) * paging.pageSize);
  return { rows: rows as MailingRow[], total: Number(count?.n ?? 0) };
}

/** The latest notifications of each mailing, newest first. */
export async function latestNotifications(em: Em, mailingIds: number[], perMailing: number) {
  if (!mailingIds.length) return new Map<number, { id: number; at: Date; level: string; kind: string; text: string }[]>();
  const knex = knexOf(em);
  const ranked = knex('mailing_events')
    .whereIn('mailing_id', mailingIds)
    .select('id', 'mailing_id', 'at', 'level', 'kind', 'text', knex.raw('row_number() over (partition by mailing_id order by id desc) as rn'));
  const rows = await knex.from(ranked.as('e')).where('rn', '<=', perMailing).orderBy('id', 'desc');
  const out = new Map<number, { id: number; at: Date; level: string; kind: string; text: string }[]>();
  for (const r of rows) {
    const list = out.get(Number(r.mailing_id)) ?? [];
    list.push({ id: Number(r.id), at: new Date(r.at), level: r.level, kind: r.kind, text: r.text });
    out.set(Number(r.mailing_id), list);
  }
  return out;
}
