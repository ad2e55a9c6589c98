import { describe, expect, it } from 'vitest';
import { csvRecords } from '../../server/http/csv-records.js';

const LIMITS = { maxRecords: 10, maxColumns: 5 };

/** How many turns of the event loop ran while `work` did: other requests are served in those. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const spin = () => {
    if (!running) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  await work().catch(() => undefined);
  running = false;
  return turns;
}

describe('csvRecords', () => {
  // A hostile CSV import (4 MB of fields on one line) must not hold the event loop for the whole
  // parse, during which no other request is served: it is parsed slice by slice, in many turns.
  it('parses a large file in many turns of the event loop', async () => {
    const hostile = `name,email\n${','.repeat(4_000_000)}`;
    await expect(csvRecords(hostile, LIMITS)).rejects.toThrow(/Invalid Record Length/);
    expect(await turnsDuring(() => csvRecords(hostile, LIMITS))).toBeGreaterThan(30);
  });

  // Too many rows shows without reading them all; too many columns is refused from the header.
  it('stops one record past maxRecords and refuses a header of too many columns', async () => {
    const rows = await csvRecords(`name,email\n${'a,b\n'.repeat(100_000)}`, LIMITS);
    expect(rows).toHaveLength(LIMITS.maxRecords + 1);
    await expect(csvRecords('a,b,c,d,e,f\n1,2,3,4,5,6\n', LIMITS)).rejects.toThrow(/6 columns; at most 5/);
  });

  it('reads the header as column names, skipping blank lines, a BOM and surrounding spaces', async () => {
    expect(await csvRecords('\ufeffname,email\n\n Acme , info@acme.test \n', LIMITS)).toEqual([{ name: 'Acme', email: 'info@acme.test' }]);
    expect(await csvRecords('', LIMITS)).toEqual([]);
  });
});
