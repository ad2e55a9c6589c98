import { describe, expect, it } from 'vitest';
import { z } from '@hono/zod-openapi';
import { columnsOf } from '../../server/read-models/columns.js';

describe('columnsOf', () => {
  const shape = { sentToday: z.number(), vip: z.boolean(), lastSentAt: z.iso.datetime().nullable(), ownerName: z.string(), finishedAt: z.iso.datetime().nullable() };

  it('finds each field under its column name and coerces it as the drivers return it', () => {
    // MariaDB: counts as strings, booleans as 1, dates as Date; SQLite: dates as epoch numbers.
    const at = Date.UTC(2026, 11, 6, 9, 30);
    expect(columnsOf(shape, { sent_today: '12', vip: 1, last_sent_at: at, owner_name: 'Ann', finished_at: null })).toEqual({
      sentToday: 12, vip: true, lastSentAt: '2026-12-06T09:30:00.000Z', ownerName: 'Ann', finishedAt: null,
    });
    expect(columnsOf(shape, { vip: 0, last_sent_at: new Date(at) })).toEqual({ vip: false, lastSentAt: '2026-12-06T09:30:00.000Z' });
  });

  it('leaves out the fields the row lacks, for the caller to give', () => {
    expect(Object.keys(columnsOf(shape, { owner_name: 'Ann', unrelated: 1 }))).toEqual(['ownerName']);
  });
});
