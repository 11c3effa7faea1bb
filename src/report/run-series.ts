/**
 * From a run's points to chart series: training metrics against the step,
 * evaluation metrics against the epoch (or the step, or the evaluation's
 * number when a run logged neither), and the axis all runs of a chart share.
 *
 * @example
 * const axis = evalAxis(runs);                       // 'epoch' when every evaluation has one
 * lineChart({ ..., series: runs.map((r, i) => evalSeries(r, 'accuracy', axis, r.name, i)) });
 */
import type { LineSeries, Point } from './line-chart.js';
import type { MetricName } from './metric-names.js';
import type { MetricPoint, RunView } from './run-view.js';

export type EvalAxis = 'epoch' | 'step' | 'evaluation';

/** Curves with more logged points than this are drawn faint with a smoothed line on top. */
const SMOOTH_ABOVE = 50;

/** The x axis every run's evaluations can be placed on. */
export function evalAxis(runs: readonly RunView[]): EvalAxis {
  const points = runs.flatMap((r) => r.evals);
  if (points.every((p) => p.epoch !== undefined)) return 'epoch';
  if (points.every((p) => p.step !== undefined)) return 'step';
  return 'evaluation';
}

/** A training metric against the step (the record's position when it has no step). */
export function trainSeries(run: RunView, metric: MetricName, name: string, styleIndex: number): LineSeries {
  const points = pointsOf(run.train, metric, (p, i) => p.step ?? i + 1);
  return { name, points, styleIndex, ...(points.length > SMOOTH_ABOVE && { smoothing: 0.9 }) };
}

/** An evaluation metric against the chosen axis. */
export function evalSeries(run: RunView, metric: MetricName, axis: EvalAxis, name: string, styleIndex: number): LineSeries {
  const x = (p: MetricPoint, i: number): number => (axis === 'epoch' ? p.epoch : axis === 'step' ? p.step : undefined) ?? i + 1;
  return { name, points: pointsOf(run.evals, metric, x), styleIndex };
}

/** Whether any point of the list logged the metric. */
export function hasMetric(points: readonly MetricPoint[], metric: MetricName): boolean {
  return points.some((p) => p.values[metric] !== undefined);
}

function pointsOf(points: readonly MetricPoint[], metric: MetricName, x: (p: MetricPoint, i: number) => number): Point[] {
  const out: Point[] = [];
  points.forEach((p, i) => {
    const v = p.values[metric];
    if (v !== undefined) out.push([x(p, i), v]);
  });
  return out;
}
