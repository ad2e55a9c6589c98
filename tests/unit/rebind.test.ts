import { describe, expect, it } from 'vitest';
import type { Em } from '../../server/db/orm.js';
import type { DomainEvent } from '../../server/domain/events.js';
import type { MailingHead } from '../../server/db/repositories/mailing.repository.js';
import { rebindStranded } from '../../server/engine/rebind.js';
import { memoryLedger, type MemoryAccount, type MemoryRow } from '../support/memory-ledger.js';

const NOW = new Date('2026-03-02T10:00:00Z');
// The memory ledger never touches the unit of work; the engine only passes it along.
const em = {} as Em;

const mailing = (id: number, ownerId: number, status: MailingHead['status'] = 'active'): MailingHead => ({ id, status, ownerId, departmentId: 1, recipientType: 'company', messageId: 1, signatureId: null });
const row = (id: number, mailingId: number, accountId: number | null, vip = false): MemoryRow => ({ id, mailingId, vip, accountId, state: 'pending' });
const account = (id: number, ownerId: number, over: Partial<MemoryAccount> = {}): MemoryAccount => ({ id, ownerId, main: false, massMailEnabled: true, health: 'ok', ...over });

function engineOn(data: Parameters<typeof memoryLedger>[0]) {
  const { ledger, notes } = memoryLedger(data);
  const events: DomainEvent[] = [];
  return { ctx: { ledger, now: () => NOW, events: { emit: (e: DomainEvent) => events.push(e) } }, notes, events };
}

describe('rebindStranded', () => {
  // A failed account's pending recipients move to the owner's usable accounts (by the routing
  // rule: VIPs to the main account), and only those accounts are woken.
  it("moves a failed account's pending recipients to the owner's usable accounts and names them to wake", async () => {
    const data = {
      mailings: [mailing(5, 1)],
      rows: [row(1, 5, 10), row(2, 5, 10, true), row(3, 5, 11)],
      accounts: [account(10, 1, { health: 'auth_failed' }), account(11, 1), account(12, 1, { main: true }), account(20, 2)],
    };
    const { ctx, events } = engineOn(data);
    const woken = await rebindStranded(ctx, em, { ownerId: 1 });
    expect(data.rows.map((r) => r.accountId)).toEqual([11, 12, 11]);
    expect(woken.sort()).toEqual([11, 12]);
    expect(data.mailings[0].status).toBe('active');
    expect(events).toEqual([]);
  });

  // Recipients nobody can take are never dropped silently: their mailing is interrupted with the
  // reason, noted and told to watchers, and the rows stay where they are.
  it('interrupts a mailing whose recipients no account of the owner can take, with the reason', async () => {
    const data = {
      mailings: [mailing(5, 1), mailing(6, 2)],
      rows: [row(1, 5, 10), row(2, 6, 20)],
      accounts: [account(10, 1, { massMailEnabled: false }), account(20, 2)],
    };
    const { ctx, notes, events } = engineOn(data);
    const woken = await rebindStranded(ctx, em, { why: { account: 'Sales', reason: 'switched off' } });
    expect(woken).toEqual([]);
    expect(data.rows.map((r) => r.accountId)).toEqual([10, 20]);
    expect(data.mailings.map((m) => m.status)).toEqual(['interrupted', 'active']);
    const reason = 'No account of the owner can send some of its recipients (Sales: switched off)';
    expect(notes).toEqual([{ mailingId: 5, level: 'critical', kind: 'status_interrupted', text: reason }]);
    expect(events.map((e) => e.type)).toEqual(['mailing.status', 'mailing.notification']);
    expect(events[0]).toMatchObject({ mailingId: 5, status: 'interrupted', reason, at: NOW.toISOString() });
  });
});
