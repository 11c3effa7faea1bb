/**
 * The HTML around the charts: one self-contained page (inline CSS, inline
 * SVG, no script, nothing fetched), sections, tables and notes. Every piece
 * of text given here is escaped; chart SVG is passed through as built.
 *
 * @example
 * htmlPage('Run vit-dense', ['pattern 1:8'], [section('Final metrics', htmlTable(['metric', 'value'], [['accuracy', '0.91']], [false, true]))], 'sparsekit report');
 */
import { escapeHtml } from './escape.js';

/** A table cell: plain text, or text with a bold mark (the best of a column), a tooltip, or a colour swatch (the run's colour in the charts). */
export type Cell = string | { readonly text: string; readonly strong?: boolean; readonly title?: string; readonly swatch?: string };

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #222; margin: 0; background: #fff; }
main { max-width: 1400px; margin: 0 auto; padding: 20px 28px 40px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.sub { color: #555; margin: 0 0 8px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr)); gap: 16px; }
.chart { width: 100%; max-width: 760px; height: auto; }
figure { margin: 0; }
figcaption { color: #555; font-size: 12.5px; margin: 2px 8px 0 64px; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { padding: 4px 12px; white-space: nowrap; border-bottom: 1px solid #e6e6e6; text-align: left; vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; white-space: normal; }
.table-wrap { overflow-x: auto; }
table.wrap td { white-space: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafafa; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.notes { background: #fff8e1; border: 1px solid #f0d98c; padding: 6px 12px; border-radius: 4px; }
pre { max-width: 900px; background: #f6f6f6; padding: 10px 14px; border-radius: 4px; overflow-x: auto; font-size: 12.5px; }
footer { color: #777; font-size: 12px; margin-top: 32px; }
`;

/** A complete HTML document; each subtitle line is a line under the title. */
export function htmlPage(title: string, subtitle: readonly string[], body: readonly string[], footer: string): string {
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head><body><main>` +
    `<h1>${escapeHtml(title)}</h1>${subtitle.map((l) => `<p class="sub">${escapeHtml(l)}</p>`).join('')}` +
    body.join('\n') +
    `<footer>${escapeHtml(footer)}</footer></main></body></html>\n`
  );
}

/** A titled section around already-built HTML. */
export function section(heading: string, html: string): string {
  return `<section><h2>${escapeHtml(heading)}</h2>${html}</section>`;
}

/** A table; `numeric[i]` right-aligns column i; `wrap` lets long cells break over lines (they stay on one by default). */
export function htmlTable(headers: readonly string[], rows: readonly (readonly Cell[])[], numeric: readonly boolean[] = [], wrap = false): string {
  const cls = (i: number): string => (numeric[i] === true ? ' class="num"' : '');
  const head = headers.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((c, i) => `<td${cls(i)}>${cellHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<div class="table-wrap"><table${wrap ? ' class="wrap"' : ''}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function cellHtml(c: Cell): string {
  if (typeof c === 'string') return escapeHtml(c);
  let html = c.strong === true ? `<strong>${escapeHtml(c.text)}</strong>` : escapeHtml(c.text);
  if (c.swatch !== undefined) html = `<span class="swatch" style="background:${escapeHtml(c.swatch)}"></span>${html}`;
  return c.title === undefined ? html : `<span title="${escapeHtml(c.title)}">${html}</span>`;
}

/** Charts laid out side by side, each with an optional caption. */
export function chartGrid(charts: readonly { readonly svg: string; readonly caption?: string }[]): string {
  const figs = charts.map((c) => `<figure>${c.svg}${c.caption === undefined ? '' : `<figcaption>${escapeHtml(c.caption)}</figcaption>`}</figure>`);
  return `<div class="charts">${figs.join('')}</div>`;
}

/** A highlighted list of things the reader should know (missing files, estimates). */
export function notesBox(notes: readonly string[]): string {
  return notes.length === 0 ? '' : `<div class="notes"><ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></div>`;
}

/** Preformatted text (a recipe), escaped. */
export function preBlock(text: string): string {
  return `<pre>${escapeHtml(text)}</pre>`;
}
