import { describe, expect, it } from 'vitest';
import { PageWatchers } from '../../server/live/page-watchers.js';

describe('who watches a mailing page', () => {
  const anna = { id: 1, name: 'Anna' };
  const boris = { id: 2, name: 'Boris' };

  it('lists each person once, whatever the tabs, and forgets a page closed by all', () => {
    const pages = new PageWatchers(1000, () => 0);
    pages.open(7, 's1', anna);
    pages.open(7, 's2', anna);
    pages.open(7, 's3', boris);
    expect(pages.viewers(7)).toEqual([anna, boris]);
    expect(pages.close(7, 's1')).toBe(true);
    expect(pages.close(7, 's1')).toBe(false);
    expect(pages.viewers(7)).toEqual([anna, boris]);
    pages.close(7, 's2');
    pages.close(7, 's3');
    expect(pages.viewers(7)).toEqual([]);
    // Closed on purpose: nobody comes back to it.
    expect(pages.watched(7)).toBe(false);
  });

  it('keeps a page watched while a dropped connection may recover it, and no longer', () => {
    let now = 0;
    const pages = new PageWatchers(1000, () => now);
    expect(pages.watched(7)).toBe(false);
    pages.open(7, 's1', anna);
    pages.open(8, 's1', anna);
    pages.open(9, 's2', boris);
    expect(pages.dropped('s1').sort()).toEqual([7, 8]);
    expect(pages.viewers(7)).toEqual([]);
    now = 999;
    expect([pages.watched(7), pages.watched(8), pages.watched(9)]).toEqual([true, true, true]);
    now = 1000;
    expect([pages.watched(7), pages.watched(8), pages.watched(9)]).toEqual([false, false, true]);
    // Opened again: watched with or without the window.
    pages.open(7, 's3', anna);
    expect(pages.watched(7)).toBe(true);
  });
});
