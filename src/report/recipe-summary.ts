/**
 * A recipe at a glance: one table row per top-level section, its settings
 * on one line (`type vit, dim 64, depth 2`), nested keys dotted, lists in
 * brackets. The full YAML follows on the page, folded.
 *
 * @example
 * recipeSummaryHtml({ seed: 0, model: { type: 'vit', dim: 64 } });
 * // rows: seed | 0 ; model | type vit, dim 64
 */
import { htmlTable } from './html-page.js';
import { isObject } from './run-folder.js';

/** The table, or '' for an empty recipe. */
export function recipeSummaryHtml(recipe: Record<string, unknown>): string {
  const rows = Object.entries(recipe).map(([key, v]) => [key, isObject(v) ? settings(v, '').join(', ') : scalar(v)]);
  return rows.length === 0 ? '' : htmlTable(['section', 'settings'], rows, [], true);
}

function settings(obj: Record<string, unknown>, prefix: string): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (isObject(v) ? settings(v, `${prefix}${k}.`) : [`${prefix}${k} ${scalar(v)}`]));
}

function scalar(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(scalar).join(', ')}]`;
  if (v === null || v === undefined) return 'null';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
