import type { Ledger } from '../../server/engine/ports.js';
import type { EmailAccount } from '../../server/db/entities/email-account.entity.js';
import type { Settings } from '../../server/db/entities/settings.entity.js';
import type { MailingHead } from '../../server/db/repositories/mailing.repository.js';
import { nextStatus } from '../../server/domain/mailing-status.js';
import { usable } from '../../server/domain/account-health.js';
import type { RecipientState } from '../../server/domain/recipient-states.js';
import type { RecipientType } from '../../server/domain/recipient-types.js';
import type { RecipientOutcome } from '../../server/domain/recipient-outcomes.js';
import type { RecipientRecord } from '../../server/db/repositories/recipient-fields.js';
import { recorded } from '../../server/domain/mailing-notes.js';

export interface MemoryRow {
  id: number;
  mailingId: number;
  vip: boolean;
  accountId: number | null;
  state: RecipientState;
  /** The run holding the row (`claimed_by`). */
  claim?: string | null;
  messageId?: string | null;
  lastReply?: string | null;
  outcome?: RecipientOutcome | null;
  dueAt?: Date | null;
}

/** An account as the engine reads it, with only what its rules look at. */
export type MemoryAccount = Pick<EmailAccount, 'id' | 'main' | 'massMailEnabled' | 'health'> & Partial<Pick<EmailAccount, 'dailyLimit' | 'timeZone' | 'nextSendAt'>> & { ownerId: number };

/**
 * The engine's ledger port in memory, for unit tests of the engine without a database: the
 * mailings, ledger rows and accounts are plain arrays the test sets up and reads back. Only the
 * calls a test needs are written; any other throws, naming itself, so a test never passes on a
 * call the fake does not model.
 */
export function memoryLedger(data: { mailings: MailingHead[]; rows: MemoryRow[]; accounts: MemoryAccount[]; records?: Map<number, RecipientRecord<RecipientType>>; settings?: Settings }) {
  const notes: { mailingId: number; level: string; kind: string; text: string }[] = [];
  const mailing = (id: number) => data.mailings.find((m) => m.id === id) ?? null;
  const canTake = (row: MemoryRow, ownerId: number) => {
    const a = data.accounts.find((x) => x.id === row.accountId);
    return Boolean(a && usable(a) && a.ownerId === ownerId && (row.vip || !a.main));
  };
  const row = (id: number) => data.rows.find((r) => r.id === id)!;
  const held = (r: MemoryRow, claim: string | null | undefined) => r.state === 'sending' && (claim === undefined || r.claim === claim);
  const modelled: Partial<Ledger> = {
    async recipientRecords(_em, _type, ids) {
      return new Map(ids.flatMap((id) => (data.records?.has(id) ? [[id, data.records.get(id)!]] : []))) as never;
    },
    async startAttempt(_em, held_, messageId) {
      const r = row(held_.id);
      if (!held(r, held_.claim) || r.messageId) return false;
      r.messageId = messageId;
      return true;
    },
    async finishSent(_em, _mailingId, claim, sent) {
      const done = sent.filter((s) => held(row(s.id), claim)).map((s) => s.id);
      for (const id of done) Object.assign(row(id), { state: 'sent', claim: null, lastReply: sent.find((s) => s.id === id)!.reply });
      return done;
    },
    async finish(_em, id, _mailingId, from, to, fields) {
      const r = row(id);
      if (r.state !== from || (fields.claim !== undefined && r.claim !== fields.claim)) return false;
      Object.assign(r, fields.lastReply !== undefined || fields.outcome ? { state: to, lastReply: fields.lastReply ?? null, outcome: fields.outcome ?? null } : { state: to });
      return true;
    },
    async retryLater(_em, held_, dueAt, reply) {
      const r = row(held_.id);
      if (!held(r, held_.claim)) return false;
      Object.assign(r, { state: 'pending', claim: null, messageId: null, dueAt, lastReply: reply });
      return true;
    },
    async release(_em, claim, ids) {
      for (const r of data.rows) if (ids.includes(r.id) && held(r, claim)) Object.assign(r, { state: 'pending', claim: null, messageId: null });
    },
    async stranded(_em, ownerId) {
      return data.rows
        .filter((r) => r.state === 'pending')
        .map((r) => ({ r, m: mailing(r.mailingId)! }))
        .filter(({ r, m }) => ['active', 'active_error', 'paused'].includes(m.status) && !canTake(r, m.ownerId) && (!ownerId || m.ownerId === ownerId))
        .map(({ r, m }) => ({ id: r.id, vip: r.vip, mailingId: r.mailingId, ownerId: m.ownerId }));
    },
    async rebind(_em, ids, accountId) {
      for (const r of data.rows) if (ids.includes(r.id) && r.state === 'pending') r.accountId = accountId;
    },
    async account(_em, id) {
      // The rules read only these fields of an account.
      return (data.accounts.find((a) => a.id === id) ?? null) as unknown as EmailAccount | null;
    },
    async settings() {
      if (!data.settings) throw new Error('the test gave the memory ledger no settings');
      return data.settings;
    },
    async sentSince(_em, accountId) {
      // The test's rows are all of today.
      return data.rows.filter((r) => r.accountId === accountId && r.state === 'sent').length;
    },
    async setNextSend(_em, accountId, at) {
      data.accounts.find((a) => a.id === accountId)!.nextSendAt = at;
    },
    async accountsOf(_em, ownerId) {
      // The rules read only these fields of an account.
      return data.accounts.filter((a) => a.ownerId === ownerId) as unknown as EmailAccount[];
    },
    async head(_em, id) {
      return mailing(id);
    },
    async transition(_em, id, transition) {
      const m = mailing(id);
      const to = m && nextStatus(m.status, transition);
      if (!m || !to) return null;
      m.status = to;
      return to;
    },
    async setHealth(_em, accountId, verdict, onlyFrom) {
      const a = data.accounts.find((x) => x.id === accountId);
      if (!a || (onlyFrom && a.health !== onlyFrom)) return false;
      a.health = verdict.health;
      return true;
    },
    async liveMailingsOfAccount(_em, accountId) {
      const live = data.rows.filter((r) => r.accountId === accountId && r.state === 'pending' && ['active', 'active_error', 'paused'].includes(mailing(r.mailingId)!.status));
      return [...new Set(live.map((r) => r.mailingId))];
    },
    async note(_em, mailingId, level, note) {
      const said = recorded(note);
      notes.push({ mailingId, level, kind: said.kind, text: said.text });
      return said;
    },
  };
  const ledger = new Proxy(modelled, {
    get: (target, name: string) => target[name as keyof Ledger] ?? (() => Promise.reject(new Error(`the memory ledger does not model ${name}`))),
  }) as Ledger;
  return { ledger, notes };
}
