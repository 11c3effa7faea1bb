/**
 * Aggregating the study's runs: mean ± sample standard deviation over seeds
 * of the final metric (ViT accuracy, GPT validation bits per character) and
 * the mean sparse-aware training FLOPs, one row per configuration; and the
 * markdown table of results.md.
 *
 * @example
 * const rows = aggregate([{ spec, summary }, ...]);
 * const md = resultsTable(rows.filter((r) => r.model === 'vit'));
 */
import type { RunSummary } from '../../src/train/run-summary.js';
import type { RunSpec } from './sweep.js';

/** A finished run: what was asked and what summary.json says. */
export interface RunOutcome {
  readonly spec: RunSpec;
  readonly summary: Pick<RunSummary, 'status' | 'final' | 'trainingFlops' | 'sparseTrainingFlops' | 'wallTimeSec' | 'backend'>;
}

export interface ResultRow {
  readonly config: string;
  readonly model: RunSpec['model'];
  readonly pattern: string;
  readonly flow: RunSpec['flow'];
  /** 'accuracy' for the ViT (higher is better), 'bitsPerChar' for the GPT (lower is better). */
  readonly metric: 'accuracy' | 'bitsPerChar';
  readonly seeds: number[];
  readonly values: number[];
  readonly mean: number;
  /** Sample standard deviation (n − 1); 0 for a single seed. */
  readonly std: number;
  /** Mean over seeds of the sparse-aware training FLOPs (the executed FLOPs for dense runs). */
  readonly trainingFlops: number;
  /** Mean over seeds of the FLOPs the kernels executed (dense arithmetic throughout). */
  readonly executedFlops: number;
  /** Backends the runs used (one entry unless the addon came and went). */
  readonly backends: string[];
}

/** Mean and sample standard deviation (n − 1; 0 when n = 1). */
export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  if (xs.length === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length === 1) return { mean, std: 0 };
  const ss = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (xs.length - 1)) };
}

/** One row per configuration, in the order configurations first appear; runs not completed are left out. */
export function aggregate(outcomes: readonly RunOutcome[]): ResultRow[] {
  const groups = new Map<string, RunOutcome[]>();
  for (const o of outcomes) {
    if (o.summary.status !== 'completed' || o.summary.final === null) continue;
    const list = groups.get(o.spec.config) ?? [];
    list.push(o);
    groups.set(o.spec.config, list);
  }
  return [...groups.values()].map((runs) => {
    const s = runs[0]!.spec;
    const metric = s.model === 'gpt' ? 'bitsPerChar' : 'accuracy';
    const values = runs.map((r) => {
      const v = r.summary.final![metric];
      if (v === undefined) throw new Error(`${r.spec.id}: summary.json has no final ${metric}`);
      return v;
    });
    const { mean, std } = meanStd(values);
    return {
      config: s.config, model: s.model, pattern: s.pattern, flow: s.flow, metric,
      seeds: runs.map((r) => r.spec.seed), values, mean, std,
      trainingFlops: meanStd(runs.map((r) => (r.summary.sparseTrainingFlops ?? r.summary.trainingFlops).total)).mean,
      executedFlops: meanStd(runs.map((r) => r.summary.trainingFlops.total)).mean,
      backends: [...new Set(runs.map((r) => r.summary.backend))],
    };
  });
}

/** A value as the table shows it: accuracy in percent, bits per character as is. */
function fmt(row: ResultRow, v: number): string {
  return row.metric === 'accuracy' ? (v * 100).toFixed(2) : v.toFixed(3);
}

/**
 * The markdown table of one model's rows, with the difference to SR-STE at
 * the same pattern (positive: better than SR-STE, in the metric's units).
 */
export function resultsTable(rows: readonly ResultRow[]): string {
  if (rows.length === 0) return '_no completed runs_\n';
  const metric = rows[0]!.metric;
  const head = metric === 'accuracy' ? 'test accuracy % (mean ± std)' : 'val bits/char (mean ± std)';
  const diffHead = metric === 'accuracy' ? 'vs SR-STE (points)' : 'vs SR-STE (bits, + is better)';
  const srste = new Map(rows.filter((r) => r.flow === 'srste').map((r) => [r.pattern, r]));
  const lines = [
    `| pattern | flow | ${head} | seeds | vs SR-STE | training GFLOPs (sparse-aware) | executed GFLOPs |`.replace('vs SR-STE', diffHead),
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const ref = srste.get(r.pattern);
    let diff = '';
    if (ref !== undefined && r.flow !== 'srste' && r.flow !== 'dense') {
      const d = metric === 'accuracy' ? (r.mean - ref.mean) * 100 : ref.mean - r.mean;
      diff = `${d >= 0 ? '+' : ''}${d.toFixed(metric === 'accuracy' ? 2 : 3)}`;
    }
    lines.push(`| ${r.pattern} | ${r.flow} | ${fmt(r, r.mean)} ± ${fmt(r, r.std)} | ${r.values.length} | ${diff} | ${(r.trainingFlops / 1e9).toFixed(2)} | ${(r.executedFlops / 1e9).toFixed(2)} |`);
  }
  return `${lines.join('\n')}\n`;
}
