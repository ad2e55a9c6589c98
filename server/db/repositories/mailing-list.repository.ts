import type { Knex } from '@mikro-orm/knex';
import type { Em } from '../orm.js';
import { knexOf } from '../knex.js';
import type { EntityRow } from '../raw-row.js';
import type { Mailing } from '../entities/mailing.entity.js';
import { containsPattern } from './like.js';
import { noteParamsOf } from './note-params.js';
import type { NoteParams } from '../../domain/mailing-notes.js';
import { FAILED_HEALTH } from '../../domain/account-health.js';

export interface MailingListFilter {
  q?: string;
  departmentId?: number;
  ownerId?: number;
  vip?: boolean;
  status?: string;
  recipientType?: string;
}

/**
 * A list row: the mailing's whole row typed from the entity (so a new column needs no edit here),
 * and what the list query joins and computes.
 */
export type MailingRow = Omit<EntityRow<Mailing>, 'status_detail_id'> & {
  /** A JSON column, not a relation: text, or parsed where the driver did (note-params.ts reads it). */
  status_detail: unknown;
  message_name: string | null;
  message_subject: string | null;
  owner_name: string;
  /** Counted by SENT_TODAY; MariaDB returns a count as a string. */
  sent_today: number | string;
};

type Dir = 'asc' | 'desc';

export interface ListPaging {
  sort?: string;
  dir?: Dir;
  page: number;
  pageSize: number;
}

/** The ledger rows a mailing sent since the bound start of the day. */
const SENT_TODAY = "(select count(*) from mailing_recipients r where r.mailing_id = m.id and r.state = 'sent' and r.sent_at >= ?)";
/** The owner's accounts that may send (enabled and not refused). */
const SENDABLE = `a.mass_mail_enabled = 1 and a.health not in (${FAILED_HEALTH.map((h) => `'${h}'`).join(', ')})`;

/** ORDER BY expressions of the list's sortable columns; every order ends with the newest first. */
const SORT: Record<string, string> = {
  id: 'm.id',
  name: 'm.name',
  recipientType: 'm.recipient_type',
  status: 'm.status',
  completion: 'm.completion',
  owner: 'u.name',
  sentToday: SENT_TODAY,
  total: 'm.total',
  accounts: `(select count(*) from email_accounts a where a.owner_id = m.owner_id and ${SENDABLE})`,
  notifications: '(select max(e.id) from mailing_events e where e.mailing_id = m.id)',
  createdAt: 'm.created_at',
};

/** Below this many matching mailings, ordering them all in SQL costs less than walking an index. */
const SMALL = 2000;

/**
 * How a page is found: `auto` as production does (by the orders and the number of matches), or
 * always by walking, or always ordered in SQL (tests compare the two).
 */
export type Way = 'auto' | 'walk' | 'direct';

/** The mailings that match: no join, since every mailing has an owner and the join never drops a row. */
function matching(knex: Knex, scope: number | null, f: MailingListFilter) {
  const q = knex('mailings as m');
  if (scope !== null) q.where('m.department_id', scope);
  if (f.departmentId) q.where('m.department_id', f.departmentId);
  if (f.ownerId) q.where('m.owner_id', f.ownerId);
  if (f.vip !== undefined) q.where('m.vip', f.vip);
  if (f.status) q.where('m.status', f.status);
  if (f.recipientType) q.where('m.recipient_type', f.recipientType);
  // "#123" is how the list shows a mailing's id: it finds that one mailing, at once. Other terms
  // search the names, and digits alone the ids too.
  const id = f.q ? /^#(\d+)$/.exec(f.q)?.[1] : undefined;
  if (id) q.where('m.id', Number(id));
  else if (f.q) {
    const term = f.q;
    q.where((w) => {
      w.where('m.name', 'like', containsPattern(term));
      if (/^\d+$/.test(term)) w.orWhere('m.id', Number(term));
    });
  }
  return q;
}

const ids = (rows: { id: number | string }[]) => rows.map((r) => Number(r.id));

/** A run of rows in the page's order, read from `offset`; `n` of them match, Infinity when uncounted. */
interface Run {
  n: number;
  read(limit: number, offset: number): Promise<number[]>;
}

/** The page out of runs listed in sort order: only the runs the page overlaps are read. */
async function walk(runs: Run[], offset: number, limit: number): Promise<number[]> {
  const page: number[] = [];
  let start = 0;
  for (const run of runs) {
    if (page.length >= limit) break;
    const skip = Math.max(0, offset - start);
    if (run.n === Infinity) {
      // Read from its start: when it ends before the page does, what it gave is its size.
      const rows = await run.read(skip + limit - page.length, 0);
      page.push(...rows.slice(skip));
      start += rows.length;
    } else {
      if (start + run.n > offset) page.push(...(await run.read(limit - page.length, skip)));
      start += run.n;
    }
  }
  return page;
}

/**
 * Ways to find one page's ids without ordering every matching mailing, which at 100,000 mailings
 * costs more than the whole page may. Each gives the same order as `direct`.
 */
interface PageQuery {
  knex: Knex;
  match: () => Knex.QueryBuilder;
  dir: Dir;
  offset: number;
  limit: number;
  todayStart: Date;
}

/** All matching mailings ordered in SQL: right for few of them, and for orders an index serves. */
async function direct(p: PageQuery, sort: string): Promise<number[]> {
  const q = p.match().select('m.id');
  if (sort === 'owner') q.join('users as u', 'u.id', 'm.owner_id');
  return ids(await q.orderByRaw(`${SORT[sort]} ${p.dir}, m.id desc`, sort === 'sentToday' ? [p.todayStart] : []).limit(p.limit).offset(p.offset));
}

/**
 * (column ascending, newest first) on an indexed column: the column's value at the page's end, the
 * rows below it ordered in SQL (fewer than a page's end) and then that value's rows, newest first.
 */
async function byColumnAscending(p: PageQuery, column: string, total: number): Promise<number[]> {
  const end = Math.min(p.offset + p.limit, total);
  const last = await p.match().orderBy(column, 'asc').limit(1).offset(end - 1).first({ k: column });
  if (!last) return [];
  const below = ids(await p.match().where(column, '<', last.k).orderByRaw(`${column} asc, m.id desc`).select('m.id'));
  const at = ids(await p.match().where(column, last.k).orderBy('m.id', 'desc').limit(end - below.length).select('m.id'));
  return [...below, ...at].slice(p.offset, end);
}

/**
 * Runs of one value each of an enumerated column, in the database's own order of that column. The
 * groups are asked in index order and turned round here: MariaDB groups 100,000 mailings in
 * descending order at twice the cost.
 */
async function enumRuns(p: PageQuery, column: string): Promise<Run[]> {
  const values: { k: string; n: number | string }[] = await p.match().groupBy(column).orderBy(column, 'asc').select({ k: column }).count({ n: '*' });
  if (p.dir === 'desc') values.reverse();
  return values.map((v) => ({ n: Number(v.n), read: async (limit, offset) => ids(await p.match().where(column, v.k).orderBy('m.id', 'desc').limit(limit).offset(offset).select('m.id')) }));
}

/** Runs of owners whose key sorts equal (name, or sendable accounts): there are few owners, so few runs. */
async function ownerRuns(p: PageQuery, key: 'owner' | 'accounts'): Promise<Run[]> {
  const perOwner: { owner_id: number; n: number | string }[] = await p.match().groupBy('m.owner_id').select('m.owner_id').count({ n: '*' });
  const owners = perOwner.map((r) => Number(r.owner_id));
  // The key as a rank, so names compare by the database's collation.
  const keys =
    key === 'owner'
      ? await p.knex('users').whereIn('id', owners).select('id', p.knex.raw('dense_rank() over (order by name) as k'))
      : await p.knex('users as u').whereIn('u.id', owners).select('u.id', p.knex.raw(`(select count(*) from email_accounts a where a.owner_id = u.id and ${SENDABLE}) as k`));
  const keyOf = new Map((keys as { id: number; k: number | string }[]).map((r) => [Number(r.id), Number(r.k)]));
  const runs = new Map<number, { owners: number[]; n: number }>();
  for (const r of perOwner) {
    const k = keyOf.get(Number(r.owner_id))!;
    const run = runs.get(k) ?? { owners: [], n: 0 };
    run.owners.push(Number(r.owner_id));
    run.n += Number(r.n);
    runs.set(k, run);
  }
  // A run of every owner (all with as many accounts, say) needs no owner condition, which would
  // only steer the database off reading the newest first.
  const of = (run: { owners: number[] }) => (run.owners.length === owners.length ? p.match() : p.match().whereIn('m.owner_id', run.owners));
  return [...runs.entries()]
    .sort(([a], [b]) => (p.dir === 'asc' ? a - b : b - a))
    .map(([, run]) => ({ n: run.n, read: async (limit, offset) => ids(await of(run).orderBy('m.id', 'desc').limit(limit).offset(offset).select('m.id')) }));
}

/** Orders by a key few mailings share: their runs are counted by one GROUP BY, which also gives the total. */
const COUNTED_RUNS: Record<string, (p: PageQuery) => Promise<Run[]>> = {
  status: (p) => enumRuns(p, 'm.status'),
  recipientType: (p) => enumRuns(p, 'm.recipient_type'),
  owner: (p) => ownerRuns(p, 'owner'),
  accounts: (p) => ownerRuns(p, 'accounts'),
};

/**
 * A mailing sends only while it runs, and each send stamps its row's sent time and the mailing's
 * `last_sent_at` with the same clock in one transaction: a mailing that sent today was stamped at
 * most a moment before its rows' times. The hour of slack covers concurrent senders committing out
 * of order; only these candidates' ledgers are counted.
 */
const STAMP_SLACK_MS = 3_600_000;

/**
 * "Sent today": the few mailings that sent today, ordered by their counts, then the rest (all 0),
 * newest first. It needs no total, and costs about the same however many mailings match.
 */
async function bySentToday(p: PageQuery): Promise<number[]> {
  // Counted only when the page reaches them: ascending, the first pages are all mailings at 0.
  const some: Run = {
    n: Infinity,
    async read(limit, offset) {
      const candidates = p.match().where('m.last_sent_at', '>=', new Date(p.todayStart.getTime() - STAMP_SLACK_MS)).select('m.id', p.knex.raw(`${SENT_TODAY} as n`, [p.todayStart]));
      return ids(await p.knex.from(candidates.as('c')).where('c.n', '>', 0).orderByRaw(`c.n ${p.dir}, c.id desc`).limit(limit).offset(offset).select('c.id'));
    },
  };
  const none: Run = {
    n: Infinity,
    read: async (limit, offset) =>
      ids(await p.match().whereNotExists((w) => w.from('mailing_recipients as r').whereRaw('r.mailing_id = m.id').andWhere('r.state', 'sent').andWhere('r.sent_at', '>=', p.todayStart)).orderBy('m.id', 'desc').limit(limit).offset(offset).select('m.id')),
  };
  return walk(p.dir === 'asc' ? [none, some] : [some, none], p.offset, p.limit);
}

/**
 * The latest notification: a mailing sorts by its newest event, so events are read in id order in
 * growing batches, keeping each mailing's newest only and the mailings that match. A mailing without
 * any sorts as NULL, last descending and first ascending; but every mailing is created with its
 * first notification (create-mailings and combine write it in the same transaction, and events go
 * only with their mailing), so none lacks one, and proving that on every ascending page would cost
 * a probe per mailing. They are looked for after the others, so a mailing broken that way is listed
 * last rather than lost.
 */
async function byLatestNotification(p: PageQuery): Promise<number[]> {
  const withEvents: Run = {
    n: Infinity,
    async read(limit, offset) {
      const found: number[] = [];
      let cursor: number | null = null;
      for (let batch = Math.max(500, 2 * (offset + limit)); found.length < offset + limit; batch = Math.min(2 * batch, 50_000)) {
        const q = p.knex('mailing_events as e').whereNotExists((w) => w.from('mailing_events as l').whereRaw('l.mailing_id = e.mailing_id and l.id > e.id'));
        if (cursor !== null) q.where('e.id', p.dir === 'asc' ? '>' : '<', cursor);
        const events: { id: number; mailing_id: number }[] = await q.orderBy('e.id', p.dir).limit(batch).select('e.id', 'e.mailing_id');
        if (!events.length) break;
        cursor = Number(events[events.length - 1].id);
        const matched = new Set(ids(await p.match().whereIn('m.id', events.map((e) => Number(e.mailing_id))).select('m.id')));
        found.push(...events.map((e) => Number(e.mailing_id)).filter((id) => matched.has(id)));
        if (events.length < batch) break;
      }
      return found.slice(offset, offset + limit);
    },
  };
  const without: Run = {
    n: Infinity,
    read: async (limit, offset) => ids(await p.match().whereNotExists((w) => w.from('mailing_events as e').whereRaw('e.mailing_id = m.id')).orderBy('m.id', 'desc').limit(limit).offset(offset).select('m.id')),
  };
  return walk([withEvents, without], p.offset, p.limit);
}

/**
 * Orders `direct` serves at any size, so the page need not wait for the total: those an index serves
 * as asked (a single-column index read backwards gives "newest first" among equals).
 */
const alwaysDirect = (sort: string, dir: Dir) => sort === 'id' || (dir === 'desc' && ['name', 'total', 'createdAt', 'completion'].includes(sort));

/** The indexed columns of the orders `byColumnAscending` serves. */
const ASCENDING_COLUMN: Record<string, string> = { name: 'm.name', total: 'm.total', createdAt: 'm.created_at', completion: 'm.completion' };

/** Mailings in full, with owner, message and "sent today", in the order of `ids`. */
export async function mailingRows(em: Em, ids: number[], todayStart: Date): Promise<MailingRow[]> {
  if (!ids.length) return [];
  const knex = knexOf(em);
  const rows = (await knex('mailings as m')
    .join('users as u', 'u.id', 'm.owner_id')
    .leftJoin('messages as msg', 'msg.id', 'm.message_id')
    .whereIn('m.id', ids)
    .select('m.*', 'u.name as owner_name', 'msg.name as message_name', 'msg.subject as message_subject', knex.raw(`${SENT_TODAY} as sent_today`, [todayStart]))) as MailingRow[];
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  return ids.filter((id) => byId.has(id)).map((id) => byId.get(id)!);
}

/**
 * The mailing list: one page, the caller's departments only, with "sent today" from the ledger.
 * The page's ids come first and cheaply (by the ways above); only those 50 or so rows are then read in
 * full. The total may still be counting when the rows are ready, so that the caller can build the
 * page meanwhile: counting every match is often the longest query of the list.
 */
export async function listMailings(
  em: Em,
  scope: number | null,
  filter: MailingListFilter,
  paging: ListPaging,
  todayStart: Date,
  way: Way = 'auto',
): Promise<{ rows: MailingRow[]; total: Promise<number> }> {
  const knex = knexOf(em);
  const sort = paging.sort ?? 'id';
  const dir = paging.dir ?? (paging.sort ? 'asc' : 'desc');
  const query: PageQuery = { knex, match: () => matching(knex, scope, filter), dir, offset: (paging.page - 1) * paging.pageSize, limit: paging.pageSize, todayStart };
  const count = () => matching(knex, scope, filter).count({ n: '*' }).first().then((r) => Number(r?.n ?? 0));
  // A count left running while the page is found: should the page fail first, nobody awaits it, and
  // its own failure must not go unhandled (the caller's await still sees it).
  const counting = () => {
    const n = count();
    n.catch(() => {});
    return n;
  };
  const few = (n: number) => way === 'direct' || (way === 'auto' && n <= SMALL);
  let total: Promise<number>;
  let page: number[];
  if (way === 'direct' || alwaysDirect(sort, dir)) {
    page = await direct(query, sort);
    // A page that is not full ends the list (a rare search term or an id scans every mailing for
    // its page: no need to scan them again to count).
    total = page.length < query.limit && (page.length > 0 || query.offset === 0) ? Promise.resolve(query.offset + page.length) : counting();
  } else if (COUNTED_RUNS[sort]) {
    const runs = await COUNTED_RUNS[sort](query);
    const n = runs.reduce((sum, run) => sum + run.n, 0);
    page = few(n) ? await direct(query, sort) : await walk(runs, query.offset, query.limit);
    total = Promise.resolve(n);
  } else if (sort === 'sentToday') {
    total = counting();
    page = await bySentToday(query);
  } else {
    const n = await count();
    page = n <= query.offset ? [] : few(n) ? await direct(query, sort) : sort === 'notifications' ? await byLatestNotification(query) : await byColumnAscending(query, ASCENDING_COLUMN[sort], n);
    total = Promise.resolve(n);
  }
  return { rows: await mailingRows(em, page, todayStart), total };
}

/** The latest notifications of each mailing, newest first. */
export async function latestNotifications(em: Em, mailingIds: number[], perMailing: number) {
  if (!mailingIds.length) return new Map<number, { id: number; at: Date; level: string; kind: string; params: NoteParams | null; text: string }[]>();
  const knex = knexOf(em);
  const ranked = knex('mailing_events')
    .whereIn('mailing_id', mailingIds)
    .select('id', 'mailing_id', 'at', 'level', 'kind', 'params', 'text', knex.raw('row_number() over (partition by mailing_id order by id desc) as rn'));
  const rows = await knex.from(ranked.as('e')).where('rn', '<=', perMailing).orderBy('id', 'desc');
  const out = new Map<number, { id: number; at: Date; level: string; kind: string; params: NoteParams | null; text: string }[]>();
  for (const r of rows) {
    const list = out.get(Number(r.mailing_id)) ?? [];
    list.push({ id: Number(r.id), at: new Date(r.at), level: r.level, kind: r.kind, params: noteParamsOf(r.params), text: r.text });
    out.set(Number(r.mailing_id), list);
  }
  return out;
}
