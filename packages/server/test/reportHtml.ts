import type { ReportValue, VigilReport } from '@vigil/core';
import { expect } from 'vitest';

const unentity = (s: string): string =>
  s.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] as string,
  );

/** The raw values the HTML carries (`data-raw`), per section: figures, then table cells, in document order. */
function htmlValues(html: string): Map<string, { figures: unknown[]; cells: unknown[]; charts: number[] }> {
  const out = new Map<string, { figures: unknown[]; cells: unknown[]; charts: number[] }>();
  for (const part of html.split('<section id="').slice(1)) {
    const id = unentity(part.slice(0, part.indexOf('"')));
    const body = part.slice(0, part.indexOf('</section>'));
    const raw = (re: RegExp) => [...body.matchAll(re)].map((m) => JSON.parse(unentity(m[1] as string)) as unknown);
    out.set(id, {
      figures: raw(
        /<div class="figure[^"]*" data-label="[^"]*"><div class="label">[^<]*<\/div><div class="value"><span data-raw="([^"]*)">/g,
      ),
      cells: raw(/<td[^>]* data-key="[^"]*"><span data-raw="([^"]*)">/g),
      charts: [...body.matchAll(/<figure class="chart" data-title="[^"]*" data-points="(\d+)">/g)].map((m) =>
        Number(m[1]),
      ),
    });
  }
  return out;
}

/**
 * The HTML report shows exactly the JSON report's figures: every figure value and table cell
 * (as raw JSON in `data-raw`), every chart with its point count, section by section.
 */
export function expectHtmlMatchesJson(html: string, report: VigilReport): void {
  const shown = htmlValues(html);
  expect([...shown.keys()]).toEqual(report.sections.map((s) => s.id));
  for (const s of report.sections) {
    const h = shown.get(s.id);
    const figures: ReportValue[] = [];
    const cells: ReportValue[] = [];
    const charts: number[] = [];
    for (const b of s.blocks) {
      if (b.kind === 'figures') figures.push(...b.items.map((f) => f.value ?? null));
      if (b.kind === 'table') for (const r of b.rows) cells.push(...b.columns.map((c) => r[c.key] ?? null));
      if (b.kind === 'chart') charts.push(b.series.reduce((a, x) => a + x.points.length, 0));
    }
    expect(h?.figures, `${s.id} figures`).toEqual(figures);
    expect(h?.cells, `${s.id} table cells`).toEqual(cells);
    expect(h?.charts, `${s.id} charts`).toEqual(charts);
  }
  // each chart with points is drawn as an inline SVG
  const drawn = (
    html.match(
      /<figure class="chart"[^>]*data-points="[1-9]\d*"><figcaption>[^<]*<\/figcaption><div class="scroll"><svg /g,
    ) ?? []
  ).length;
  expect(drawn).toBe(
    report.sections.flatMap((s) => s.blocks).filter((b) => b.kind === 'chart' && b.series.some((x) => x.points.length))
      .length,
  );
}

/** Nothing in the page is loaded from elsewhere: no external script, style sheet, image, font or frame. */
export function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<script(?![^>]*type="application\/json")/i);
  expect(html).not.toMatch(/<link\b/i);
  expect(html).not.toMatch(/<(img|iframe|object|embed|image)\b[^>]*(src|href)=/i);
  expect(html).not.toMatch(/\b(src|href|xlink:href)\s*=\s*["']?\s*(https?:|\/\/|data:text\/html)/i);
  expect(html).not.toMatch(/url\(\s*["']?(https?:|\/\/)/i);
  expect(html).not.toMatch(/@import/i);
  // the only hrefs are in-page anchors
  for (const m of html.matchAll(/\bhref="([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
}
