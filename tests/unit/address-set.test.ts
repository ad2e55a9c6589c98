import { describe, expect, it } from 'vitest';
import { AddressSet } from '../../server/engine/address-set.js';

describe('AddressSet', () => {
  // It must say "already there" exactly when a JS Set would, through every growth of its buffer and table.
  it('agrees with a JS Set over many additions, repeats and near-misses', () => {
    const ours = new AddressSet();
    const reference = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      const value = `c${(i * 7919) % 30_011}@${'long-domain.'.repeat(4)}test${i % 3 === 0 ? '' : '.'.repeat(i % 2)}`;
      expect(ours.add(value)).toBe(!reference.has(value));
      reference.add(value);
    }
    expect(ours.size).toBe(reference.size);
  });

  it('compares whole values, including non-ASCII and the empty string', () => {
    const set = new AddressSet();
    expect(set.add('')).toBe(true);
    expect(set.add('')).toBe(false);
    expect(set.add('jose@x.test')).toBe(true);
    expect(set.add('josé@x.test')).toBe(true);
    expect(set.add('jose@x.tes')).toBe(true);
    expect(set.add('josé@x.test')).toBe(false);
    expect(set.size).toBe(4);
  });
});
