import type {
  ReportBlock,
  ReportFigure,
  ReportSection,
  ReportStatus,
  ReportUnit,
  ReportValue,
  VigilReport,
} from '@vigil/core';
import { chartSvg } from './chartSvg.js';

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** A value as the report prints it: shares as percentages, p-values in 3 significant digits. */
export function formatValue(v: ReportValue | undefined, unit?: ReportUnit): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (unit === 'share') return `${(v * 100).toFixed(1)}%`;
  if (unit === 'count') return Math.round(v).toLocaleString('en-US');
  if (unit === 'p') return v < 0.001 ? v.toExponential(1) : v.toPrecision(2);
  return Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, '');
}

/** The value in a tag that carries its raw JSON form, so a reader (or a test) can compare with the JSON report. */
const cell = (v: ReportValue | undefined, unit?: ReportUnit): string =>
  `<span data-raw="${esc(JSON.stringify(v ?? null))}">${esc(formatValue(v, unit))}</span>`;

const badge = (s: ReportStatus): string => `<span class="badge ${s}">${s}</span>`;

function figure(f: ReportFigure): string {
  const ci = f.interval
    ? ` <small>[${esc(formatValue(f.interval[0], f.unit))}, ${esc(formatValue(f.interval[1], f.unit))}]</small>`
    : '';
  return `<div class="figure${f.status ? ` ${f.status}` : ''}" data-label="${esc(f.label)}"><div class="label">${esc(f.label)}</div><div class="value">${cell(f.value, f.unit)}${ci}</div>${
    f.detail ? `<div class="detail">${esc(f.detail)}</div>` : ''
  }</div>`;
}

async function block(b: ReportBlock): Promise<string> {
  switch (b.kind) {
    case 'figures':
      return `${b.title ? `<h3>${esc(b.title)}</h3>` : ''}<div class="figures">${b.items.map(figure).join('')}</div>`;
    case 'text':
      return `<p>${esc(b.text)}</p>`;
    case 'table': {
      const head = b.columns.map((c) => `<th${c.unit ? ' class="num"' : ''}>${esc(c.label)}</th>`).join('');
      const body = b.rows.length
        ? b.rows
            .map(
              (r) =>
                `<tr>${b.columns.map((c) => `<td${c.unit ? ' class="num"' : ''} data-key="${esc(c.key)}">${cell(r[c.key], c.unit)}</td>`).join('')}</tr>`,
            )
            .join('')
        : `<tr><td colspan="${b.columns.length}" class="empty">none</td></tr>`;
      return `<h3>${esc(b.title)}</h3><div class="scroll"><table data-title="${esc(b.title)}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${
        b.note ? `<p class="note">${esc(b.note)}</p>` : ''
      }`;
    }
    case 'chart': {
      const points = b.series.reduce((a, s) => a + s.points.length, 0);
      const svg = points ? await chartSvg(b) : '<p class="empty">no data in this range</p>';
      return `<figure class="chart" data-title="${esc(b.title)}" data-points="${points}"><figcaption>${esc(b.title)}</figcaption><div class="scroll">${svg}</div>${
        b.note ? `<p class="note">${esc(b.note)}</p>` : ''
      }</figure>`;
    }
  }
}

async function section(s: ReportSection): Promise<string> {
  const blocks: string[] = [];
  for (const b of s.blocks) blocks.push(await block(b));
  return `<section id="${esc(s.id)}" data-status="${s.status}"><h2>${esc(s.title)} ${badge(s.status)}</h2><p class="summary">${esc(s.summary)}</p>${blocks.join('\n')}</section>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;margin:0 auto;padding:16px;max-width:1000px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
h3{font-size:14px;margin:16px 0 6px}.meta{color:#555}.meta td{padding:1px 12px 1px 0}
nav ul{columns:2;padding-left:18px;margin:8px 0}
.badge{font-size:11px;font-weight:600;text-transform:uppercase;border-radius:3px;padding:1px 6px;vertical-align:middle;background:#e8e8ed;color:#333}
.badge.ok{background:#d9f2de;color:#1b5e20}.badge.warning{background:#fff1c2;color:#7a5200}.badge.alert,.badge.error{background:#fcd9d6;color:#8e1b10}.badge.disabled{background:#eee;color:#777}
.figures{display:flex;flex-wrap:wrap;gap:8px}.figure{border:1px solid #ddd;border-radius:6px;padding:6px 10px;min-width:130px}
.figure .label{font-size:12px;color:#555}.figure .value{font-size:18px;font-weight:600}.figure .detail{font-size:12px;color:#555;max-width:320px}
.figure.alert,.figure.error{border-color:#d9534f}.figure.warning{border-color:#e0a800}.figure.ok{border-color:#5cb85c}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:13px;min-width:50%}th,td{border-bottom:1px solid #eee;padding:3px 8px;text-align:left;vertical-align:top}td{max-width:420px;overflow-wrap:anywhere}th,td.num{white-space:nowrap}
th{background:#f6f6f8}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}.empty,.note{color:#666;font-style:italic}
figure.chart{margin:12px 0}figcaption{font-weight:600;font-size:13px;margin-bottom:4px}svg{max-width:100%;height:auto}
@media print{section{break-inside:avoid-page}nav{display:none}}
`;

/**
 * The report as one self-contained HTML page: inline CSS, charts as inline SVG, no script and
 * no reference to anything outside the file, so it can be archived as an audit or CI artefact.
 */
export async function renderReportHtml(r: VigilReport): Promise<string> {
  const sections: string[] = [];
  for (const s of r.sections) sections.push(await section(s));
  const scope = [
    ['model', r.query.model ?? 'every model version'],
    ['from', r.query.from ?? 'the first prediction'],
    ['to (exclusive)', r.query.to ?? 'the last prediction'],
    ['generated', r.generatedAt],
    ['Vigil', `${r.version} on ${r.database}`],
    ['plugins', r.plugins.map((p) => `${p.id}${p.enabled ? '' : ' (disabled)'}`).join(', ')],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.title)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(r.title)}</h1><table class="meta">${scope
    .map(([k, v]) => `<tr><td>${esc(k as string)}</td><td>${esc(v as string)}</td></tr>`)
    .join('')}</table></header>
<nav><ul>${r.sections.map((s) => `<li><a href="#${esc(s.id)}">${esc(s.title)}</a> ${badge(s.status)}</li>`).join('')}</ul></nav>
<main>${sections.join('\n')}</main>
<script type="application/json" id="vigil-report">${JSON.stringify(r).replace(/</g, '\\u003c')}</script>
</body></html>
`;
}
