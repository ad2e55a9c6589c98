import type { Page } from 'playwright-core';

/**
 * What a tester sees wrong with a page at its current size, one line per problem:
 * - the document (or the main area) scrolls sideways;
 * - a control of the top bar leaves the viewport, overlaps another or is covered;
 * - a heading squeezed to a column of letters, or words spilling out of a button or badge;
 * - a table column that scrolling its frame cannot bring into view, or a frame that scrolls
 *   without its visible cue;
 * - a value cut without its whole text on hover (a title on it or around it) and on focus (it or
 *   what holds it takes the keyboard focus; cutValueFocusProblems checks that focus shows it).
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  await markCutValues(page);
  return page.evaluate(() => {
    const found: string[] = [];
    const vw = window.innerWidth;
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${[...el.classList].filter((c) => !c.startsWith('svelte-')).map((c) => `.${c}`).join('')} “${(el.textContent ?? '').trim().slice(0, 30)}”`;
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };

    if (document.documentElement.scrollWidth > vw) found.push(`the document is ${document.documentElement.scrollWidth} px wide`);
    const main = document.querySelector('main');
    if (main && main.scrollWidth > main.clientWidth + 1) found.push(`the main area is wider than its box (${main.scrollWidth} px in ${main.clientWidth})`);

    const bar = document.querySelector('header.topbar');
    if (bar) {
      const controls = [...bar.querySelectorAll('a, button, .live, .who')].filter(visible);
      const boxes = controls.map((el) => ({ el, r: el.getBoundingClientRect() }));
      for (const { el, r } of boxes) {
        if (r.left < 0 || r.right > vw + 0.5) found.push(`top bar: ${name(el)} leaves the viewport`);
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        if (hit && !el.contains(hit) && !hit.contains(el)) found.push(`top bar: ${name(el)} is covered by ${name(hit)}`);
      }
      for (const [i, a] of boxes.entries())
        for (const b of boxes.slice(i + 1)) {
          if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
          const overlap = a.r.left < b.r.right - 0.5 && b.r.left < a.r.right - 0.5 && a.r.top < b.r.bottom - 0.5 && b.r.top < a.r.bottom - 0.5;
          if (overlap) found.push(`top bar: ${name(a.el)} overlaps ${name(b.el)}`);
        }
    }

    for (const h of document.querySelectorAll('main h1'))
      if (visible(h) && h.getBoundingClientRect().width < 120) found.push(`heading ${name(h)} squeezed to ${Math.round(h.getBoundingClientRect().width)} px`);

    for (const table of document.querySelectorAll('main table')) {
      if (!visible(table)) continue;
      const frame = table.parentElement!;
      if (frame.scrollWidth > frame.clientWidth + 1 && !frame.matches('[data-scrolls]')) found.push(`table ${table.getAttribute('aria-label')}: its frame scrolls without a cue`);
      for (const th of table.querySelectorAll('thead th')) {
        th.scrollIntoView({ block: 'nearest', inline: 'nearest' });
        const r = th.getBoundingClientRect();
        if (r.left < -0.5 || r.right > vw + 0.5) found.push(`table ${table.getAttribute('aria-label')}: column ${name(th)} (${Math.round(r.left)}–${Math.round(r.right)}) cannot be brought into view`);
      }
      frame.scrollLeft = 0;
    }
    window.scrollTo(0, 0);

    // Words spilling out of their button or badge print over the neighbours.
    for (const el of document.querySelectorAll('main button, main .badge'))
      if (visible(el) && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible') found.push(`${name(el)} spills out of its box (${el.scrollWidth} px in ${el.clientWidth})`);

    // Values cut by their box: they must say so (an ellipsis) and give the whole value on hover
    // and to the keyboard.
    for (const el of document.querySelectorAll<HTMLElement>('[data-cut]')) {
      const titled = el.closest('[title]') !== null;
      const focusable = el.closest('a[href], button, [tabindex]:not([tabindex="-1"])') !== null;
      if (getComputedStyle(el).textOverflow !== 'ellipsis' || !titled || !focusable) found.push(`value ${name(el)} is cut silently (${el.scrollWidth} px in ${el.clientWidth})`);
    }
    return found;
  });
}

/**
 * Marks with `data-cut` the values of the main area whose box cuts their text (leaves, as form
 * fields and code blocks scroll instead), unmarking the others; returns how many there are.
 */
export function markCutValues(page: Page): Promise<number> {
  return page.evaluate(() => {
    const cut = (el: Element): el is HTMLElement => {
      if (!(el instanceof HTMLElement) || el.children.length > 0 || !el.textContent?.trim() || el.closest('.sr-only')) return false;
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || style.overflowX === 'visible') return false;
      return el.scrollWidth > el.clientWidth + 1 && !el.matches('input, select, textarea, pre, option');
    };
    for (const el of document.querySelectorAll('[data-cut]')) el.removeAttribute('data-cut');
    const found = [...document.querySelectorAll('main *')].filter(cut);
    for (const el of found) el.setAttribute('data-cut', '');
    return found.length;
  });
}

/**
 * The values marked by markCutValues, reached with Tab alone from the top of the page: each one
 * must take the focus (itself or what holds it) and show its whole text while focused.
 */
export async function cutValueFocusProblems(page: Page): Promise<string[]> {
  type Walk = { seen: Map<HTMLElement, boolean>; first?: Element };
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    Object.assign(window, { walk: { seen: new Map() } satisfies Walk });
  });
  // Each Tab moves the focus on; the walk ends when the focus leaves the page or comes round again.
  for (let i = 0; i < 600; i++) {
    await page.keyboard.press('Tab');
    const done = await page.evaluate(() => {
      const walk = (window as unknown as { walk: Walk }).walk;
      const active = document.activeElement;
      if (!active || active === document.body || active === walk.first) return true;
      walk.first ??= active;
      // Shown whole once is enough: a frame around it (a scrolling table) takes the focus first.
      for (const el of document.querySelectorAll<HTMLElement>('[data-cut]'))
        if ((active === el || active.contains(el)) && !walk.seen.get(el)) walk.seen.set(el, el.scrollWidth <= el.clientWidth + 1);
      return false;
    });
    if (done) break;
  }
  return page.evaluate(() => {
    const { seen } = (window as unknown as { walk: Walk }).walk;
    const label = (el: Element) => `${el.tagName.toLowerCase()} “${(el.textContent ?? '').trim().slice(0, 30)}”`;
    return [...document.querySelectorAll<HTMLElement>('[data-cut]')].flatMap((el) =>
      !seen.has(el) ? [`cut value ${label(el)} is never reached with Tab`] : seen.get(el) ? [] : [`cut value ${label(el)} is still cut while focused`],
    );
  });
}

/**
 * The mailing list's key columns (the seed's order of importance: name, status, completion, sent
 * today, notifications) are visible without scrolling: as the cards' fields on a phone, as the
 * table's headers beside the first column elsewhere.
 */
export function listColumnProblems(page: Page, width: number): Promise<string[]> {
  return page.evaluate((width) => {
    const found: string[] = [];
    const within = (el: Element | null) => {
      if (!el) return false;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.left >= -0.5 && r.right <= window.innerWidth + 0.5;
    };
    const cards = document.querySelector('[aria-label="Mass mailings"][role="list"]');
    const cardsShown = cards !== null && cards.getBoundingClientRect().width > 0;
    if (width < 700) {
      if (!cardsShown) return ['the mailing list is not shown as cards on a phone'];
      const first = cards.querySelector('li');
      for (const field of ['name', 'status', 'completion', 'sent-today', 'notifications'])
        if (!within(first?.querySelector(`[data-field="${field}"]`) ?? null)) found.push(`a card does not show its ${field}`);
      return found;
    }
    if (cardsShown) found.push('cards shown where the table fits');
    const headers = [...document.querySelectorAll('table[aria-label="Mass mailings"] thead th')];
    for (const label of ['Mailing', 'Status', 'Completion'])
      if (!within(headers.find((th) => th.textContent?.trim().startsWith(label)) ?? null)) found.push(`column ${label} is not visible without scrolling`);
    return found;
  }, width);
}
