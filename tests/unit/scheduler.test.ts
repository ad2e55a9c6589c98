import { describe, expect, it } from 'vitest';
import type { Em } from '../../server/db/orm.js';
import type { Settings } from '../../server/db/entities/settings.entity.js';
import { DEFAULT_SETTINGS } from '../../server/db/repositories/settings.repository.js';
import { runAccount } from '../../server/engine/scheduler.js';
import type { EngineContext } from '../../server/engine/ports.js';
import { SecretBox } from '../../server/security/secret-box.js';
import { memoryLedger, type MemoryRow } from '../support/memory-ledger.js';

// Monday 10:00 UTC, inside the default window (08:30–17:30, Monday to Thursday).
const NOW = new Date('2026-03-02T10:00:00Z');
// The memory ledger never touches the unit of work; the engine only passes it along.
const em = {} as Em;
const settings = { ...DEFAULT_SETTINGS, publicBaseUrl: 'https://mailroom.example.test' } as Settings;

describe('runAccount', () => {
  // The daily limit is a hard ceiling: an account that reached it claims nothing (the memory
  // ledger does not model claims, so a claim would fail the test) and waits for the next
  // business day's window.
  it('claims nothing for an account at its daily limit and sets its next slot to the next window', async () => {
    const sent: MemoryRow[] = [1, 2, 3].map((id) => ({ id, mailingId: 5, vip: false, accountId: 10, state: 'sent' }));
    const accounts = [{ id: 10, ownerId: 1, main: false, massMailEnabled: true, health: 'ok' as const, dailyLimit: 3, timeZone: null, nextSendAt: null }];
    const { ledger } = memoryLedger({ mailings: [], rows: [...sent, { id: 4, mailingId: 5, vip: false, accountId: 10, state: 'pending' }], accounts, settings });
    const ctx: EngineContext = {
      ledger, secrets: new SecretBox(Buffer.alloc(32, 7)), now: () => NOW, wallClock: () => NOW.getTime(), random: () => 0, leaseMs: 60_000, unitOfWork: () => em,
      events: { emit: () => undefined }, transport: { send: () => Promise.reject(new Error('nothing may be sent')), close: () => undefined },
      credentials: { smtp: () => Promise.reject(new Error('nothing may sign in')), inbox: () => Promise.reject(new Error('nothing may sign in')) },
    };
    const next = await runAccount(ctx, 10, { deadline: NOW.getTime() + 60_000 });
    expect(next).toEqual(new Date('2026-03-03T08:30:00Z'));
    expect(accounts[0].nextSendAt).toEqual(next);
  });
});
