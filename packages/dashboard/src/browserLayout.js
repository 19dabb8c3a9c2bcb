// Layout checks run inside the page at each screen size: no horizontal page scroll, no cell or
// figure whose text is cut off, nothing sticking out of the screen unless it sits in a box that
// scrolls sideways (a wide table scrolls inside its card), and taps that land on what they aim at.

/** The screen sizes every view is checked at: a desktop and a phone. */
export const SCREENS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

/**
 * What is wrong with the layout of the page as it stands: `problems` (page overflow, clipped
 * text, elements off screen) and `scrollingTables` (tables wider than their card, scrolling
 * inside it: allowed on a phone, not on a desktop).
 */
export function layoutProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const de = document.documentElement;
    const vw = de.clientWidth;
    if (de.scrollWidth > vw) problems.push(`the page is ${de.scrollWidth}px wide in a ${vw}px window`);
    const name = (el) =>
      el.dataset?.testid ??
      `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    // the first ancestor that cuts overflow: one that scrolls sideways is fine, one that hides it clips
    const clipper = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o !== 'visible') return { box: p, scrolls: o === 'auto' || o === 'scroll' };
      }
      return null;
    };
    const selector =
      'main td, main th, main .stat-value, main .stat-label, main .stat-hint, main .badge, main h1, main h2, main .chart-meta span, main .btn, main .legend-item, .topbar a, .topbar .btn, .topbar .health, .filters label, .filters .btn';
    for (const el of document.querySelectorAll(selector)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      // text cut inside its own box; an ellipsis is fine when the title holds the full text
      if (el.scrollWidth > el.clientWidth + 1 && !el.title && getComputedStyle(el).overflowX !== 'visible')
        problems.push(`${name(el)} is cut off (${el.scrollWidth}px of content in ${el.clientWidth}px)`);
      const c = clipper(el);
      if (c?.scrolls) continue;
      if (r.right > vw + 1 || r.left < -1)
        problems.push(
          `${name(el)} sticks out of the window (${Math.round(r.left)}..${Math.round(r.right)} of ${vw}px)`,
        );
      else if (c) {
        const b = c.box.getBoundingClientRect();
        if (r.right > b.right + 1 || r.left < b.left - 1) problems.push(`${name(el)} is cut off by ${name(c.box)}`);
      }
    }
    // a missing value written out as text ("null", "undefined", "NaN%") instead of a dash
    const walker = document.createTreeWalker(document.querySelector('main') ?? document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const t = (n.textContent ?? '').trim();
      if (/^(null)+$|\bundefined\b|\bNaN\b/.test(t))
        problems.push(`${name(n.parentElement)} shows ${JSON.stringify(t.slice(0, 40))}`);
    }
    const scrollingTables = [...document.querySelectorAll('main .table-wrap')]
      .filter((w) => w.scrollWidth > w.clientWidth + 1)
      .map((w) => w.querySelector('table')?.dataset.testid ?? name(w));
    return { problems: [...new Set(problems)].slice(0, 12), scrollingTables };
  });
}

/**
 * For each row matched by `rowSelector`: scrolls it into view and asks the page which element a
 * tap on the middle of its first cell hits. Returns the rows whose tap lands elsewhere.
 */
export function tapMisses(page, rowSelector) {
  return page.evaluate((sel) => {
    const misses = [];
    for (const row of document.querySelectorAll(sel)) {
      const cell = row.querySelector('td') ?? row;
      cell.scrollIntoView({ block: 'center', inline: 'nearest' });
      const r = cell.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + Math.min(r.width / 2, 40), r.top + r.height / 2);
      if (hit?.closest('tr') !== row)
        misses.push(
          `${row.dataset.testid}: a tap lands on ${hit ? (hit.dataset?.testid ?? hit.tagName.toLowerCase()) : 'nothing'}`,
        );
    }
    window.scrollTo(0, 0);
    return misses;
  }, rowSelector);
}

/** The middle of an element's first cell, in window coordinates, after scrolling it into view. */
export async function tapPoint(locator) {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.locator('td').first().boundingBox();
  if (!box) throw new Error('the element has no box to tap');
  return { x: box.x + Math.min(box.width / 2, 40), y: box.y + box.height / 2 };
}
