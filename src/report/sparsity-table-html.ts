/**
 * The per-layer sparsity table of a run's summary as HTML, with a line on
 * the whole: how many of the selected weights the forward pass keeps. Rows
 * are whatever the run wrote ({ name, role, shape, pattern, kept, ... });
 * columns are the union of their keys, in first-seen order.
 *
 * @example
 * sparsityTableHtml([{ name: 'blocks.0.mlp.fc1.weight', shape: [256, 64], pattern: '1:8', kept: 0.125 }]);
 */
import { escapeHtml } from './escape.js';
import { htmlTable, type Cell } from './html-page.js';
import { formatMetric } from './number-format.js';
import type { JsonObject } from './run-folder.js';

const HEADERS: Record<string, string> = { validNM: 'exact N:M', kept: 'kept fraction' };

/** The table, preceded by the overall kept fraction when every row has a shape and a kept fraction. */
export function sparsityTableHtml(rows: readonly JsonObject[]): string {
  const keys: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  const numeric = keys.map((k) => rows.every((r) => r[k] === undefined || typeof r[k] === 'number'));
  const body = rows.map((r) => keys.map((k): Cell => cellText(r[k])));
  return overall(rows) + htmlTable(keys.map((k) => HEADERS[k] ?? k), body, numeric);
}

function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return formatMetric(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return `[${v.join(', ')}]`;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function overall(rows: readonly JsonObject[]): string {
  let total = 0;
  let kept = 0;
  for (const r of rows) {
    const shape = r.shape;
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number') || typeof r.kept !== 'number') return '';
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    total += size;
    kept += size * r.kept;
  }
  if (total === 0) return '';
  const line = `${rows.length} weight tensors under the plan: ${Math.round(kept).toLocaleString('en-US')} of ${total.toLocaleString('en-US')} entries kept (${((kept / total) * 100).toFixed(2)}%, ${((1 - kept / total) * 100).toFixed(2)}% sparse).`;
  return `<p>${escapeHtml(line)}</p>`;
}
