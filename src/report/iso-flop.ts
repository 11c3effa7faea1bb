/**
 * The iso-FLOP view: an evaluation metric against the training FLOPs spent
 * to reach it, so that runs of different cost compare at equal compute. A
 * point's FLOPs come from its own record, else from the last training record
 * at or before its step, else (a run that logged only its total) from the
 * total in proportion to the step or epoch reached — marked as estimated.
 *
 * @example
 * const kind = flopKind(runs);                         // 'sparseAware' when every run has it
 * const { points, estimated } = flopPoints(run, 'accuracy', kind);
 */
import type { RunFlops } from './flop-fields.js';
import type { Point } from './line-chart.js';
import type { MetricName } from './metric-names.js';
import type { MetricPoint, RunView } from './run-view.js';

export type FlopKind = keyof RunFlops;

const hasKind = (run: RunView, kind: FlopKind): boolean =>
  run.flops[kind] !== undefined || [...run.train, ...run.evals].some((p) => p.flops[kind] !== undefined);

/** Sparse-aware FLOPs when every run has them (the study's measure of cost), else executed ones, else undefined. */
export function flopKind(runs: readonly RunView[]): FlopKind | undefined {
  if (runs.every((r) => hasKind(r, 'sparseAware'))) return 'sparseAware';
  if (runs.every((r) => hasKind(r, 'executed'))) return 'executed';
  return undefined;
}

/** The run's evaluations of `metric` placed at the FLOPs spent so far; a run with no evaluations gives its final value at its total. */
export function flopPoints(run: RunView, metric: MetricName, kind: FlopKind): { points: Point[]; estimated: boolean } {
  const points: Point[] = [];
  let estimated = false;
  for (const p of run.evals) {
    const v = p.values[metric];
    if (v === undefined) continue;
    let f = p.flops[kind] ?? fromTraining(run.train, p, kind);
    if (f === undefined) {
      f = estimate(run, p, kind);
      if (f !== undefined) estimated = true;
    }
    if (f !== undefined) points.push([f, v]);
  }
  const final = run.final[metric];
  const total = run.flops[kind];
  if (run.evals.length === 0 && final !== undefined && total !== undefined) points.push([total, final]);
  return { points, estimated };
}

function fromTraining(train: readonly MetricPoint[], p: MetricPoint, kind: FlopKind): number | undefined {
  if (p.step === undefined) return undefined;
  let best: number | undefined;
  for (const t of train) if (t.step !== undefined && t.step <= p.step && t.flops[kind] !== undefined) best = t.flops[kind];
  return best;
}

function estimate(run: RunView, p: MetricPoint, kind: FlopKind): number | undefined {
  const total = run.flops[kind];
  if (total === undefined) return undefined;
  if (p.step !== undefined && run.steps !== undefined && run.steps > 0) return (total * p.step) / run.steps;
  if (p.epoch !== undefined && run.epochs !== undefined && run.epochs > 0) return (total * p.epoch) / run.epochs;
  return undefined;
}
