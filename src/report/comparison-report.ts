/**
 * One page comparing runs — the gradient-flow study's table and plots: a
 * row per run (pattern, flow, final metric, FLOPs, wall time, difference to
 * the dense run), the evaluation curves overlaid, the iso-FLOP view, the
 * training losses and a bar chart of the final metric. A run keeps one
 * colour in every chart and in the table.
 *
 * @example
 * renderComparisonReport(['runs/dense', 'runs/srste', 'runs/mdgf', 'runs/sdgf'], { title: 'ViT 1:8 on Fashion-MNIST' });
 * // → 'runs/comparison.html'
 */
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { ArgumentError } from '../util/errors.js';
import { barChart } from './bar-chart.js';
import { seriesStyle } from './chart-frame.js';
import { chartGrid, htmlPage, htmlTable, notesBox, section, type Cell } from './html-page.js';
import { flopKind, flopPoints } from './iso-flop.js';
import { lineChart } from './line-chart.js';
import { HIGHER_IS_BETTER, METRIC_LABELS, type MetricName } from './metric-names.js';
import { formatMetric, formatSeconds, formatSi, MISSING } from './number-format.js';
import { evalAxis, evalSeries, trainSeries } from './run-series.js';
import { loadRun, type RunView } from './run-view.js';

export interface ComparisonOptions {
  /** Page title (default 'Comparison of N runs'). */
  readonly title?: string;
  /** Where to write (default: comparison.html in the first run's parent folder). */
  readonly out?: string;
}

// a run that reports bits/char is a language model, where next-token accuracy is secondary
const MAIN_METRICS: readonly MetricName[] = ['bitsPerChar', 'accuracy', 'perplexity', 'loss'];

/**
 * Reads every run folder and writes the comparison page; returns the path written.
 *
 * @example
 * const path = renderComparisonReport(dirs, { title: 'Gradient flows, 1:8', out: 'runs/demo/report.html' });
 */
export function renderComparisonReport(runDirs: readonly string[], opts: ComparisonOptions = {}): string {
  if (runDirs.length === 0) throw new ArgumentError('renderComparisonReport: no run folders given; pass at least one runs/<name>/ folder');
  const runs = runDirs.map((d) => loadRun(d));
  const out = opts.out ?? join(dirname(resolve(runDirs[0]!)), 'comparison.html');
  writeFileAtomic(out, comparisonReportHtml(runs, opts.title));
  return out;
}

/** The metric most runs report, in the order bits/char, accuracy, perplexity, validation loss. */
export function mainMetric(runs: readonly RunView[]): MetricName | undefined {
  let best: MetricName | undefined;
  let count = 0;
  for (const m of MAIN_METRICS) {
    const c = runs.filter((r) => r.final[m] !== undefined).length;
    if (c > count) [best, count] = [m, c];
  }
  return best;
}

/** The comparison page, as a string. */
export function comparisonReportHtml(runs: readonly RunView[], title = `Comparison of ${runs.length} runs`): string {
  const names = displayNames(runs);
  const metric = mainMetric(runs);
  const notes = runs.flatMap((r, i) => r.notes.map((n) => `${names[i]}: ${n}`));
  const body = [section('Runs', comparisonTable(runs, names, metric))];
  const charts: { svg: string; caption?: string }[] = [];
  if (metric !== undefined) {
    const label = `validation ${METRIC_LABELS[metric]}`;
    const axis = evalAxis(runs);
    charts.push({ svg: lineChart({ title: `${capital(label)} by ${axis}`, xLabel: axis, yLabel: label, series: runs.map((r, i) => evalSeries(r, metric, axis, names[i]!, i)) }) });
    const kind = flopKind(runs);
    if (kind !== undefined) {
      const iso = runs.map((r) => flopPoints(r, metric, kind));
      const xLabel = kind === 'sparseAware' ? 'training FLOPs (sparse-aware)' : 'training FLOPs (executed)';
      const estimated = names.filter((_, i) => iso[i]!.estimated);
      charts.push({
        svg: lineChart({ title: `${capital(label)} by training compute`, xLabel, yLabel: label, series: iso.map((p, i) => ({ name: names[i]!, points: p.points, styleIndex: i })) }),
        caption:
          'Iso-FLOP view: each evaluation at the training FLOPs spent to reach it.' +
          (estimated.length > 0 ? ` Estimated from the run's total in proportion to its steps (only the total was logged) for: ${estimated.join(', ')}.` : ''),
      });
    }
  }
  const losses = runs.map((r, i) => trainSeries(r, 'loss', names[i]!, i));
  if (losses.some((s) => s.points.length > 0)) {
    const smoothed = losses.some((s) => s.smoothing !== undefined);
    charts.push({
      svg: lineChart({ title: 'Training loss', xLabel: 'step', yLabel: 'loss', series: losses }),
      ...(smoothed && { caption: 'Faint: every logged step; bold: exponential moving average (weight 0.9).' }),
    });
  }
  if (metric !== undefined) {
    const label = `validation ${METRIC_LABELS[metric]}`;
    charts.push({ svg: barChart({ title: `Final ${label}`, valueLabel: label, bars: runs.map((r, i) => ({ label: names[i]!, value: r.final[metric], styleIndex: i })) }) });
  }
  if (charts.length > 0) body.push(section('Plots', chartGrid(charts)));
  body.unshift(notesBox(notes));
  return htmlPage(title, [`${runs.length} runs${metric === undefined ? '' : `, compared on validation ${METRIC_LABELS[metric]}`}`], body, `sparsekit report of ${runs.map((r) => r.path).join(', ')}`);
}

function comparisonTable(runs: readonly RunView[], names: readonly string[], metric: MetricName | undefined): string {
  const extra = (['top5', 'loss'] as const).filter((m) => m !== metric && runs.some((r) => r.final[m] !== undefined));
  const metrics = metric === undefined ? [...extra] : [metric, ...extra];
  const denseRuns = runs.filter((r) => r.pattern === 'dense');
  const dense = denseRuns.length === 1 && metric !== undefined ? denseRuns[0]!.final[metric] : undefined;
  const headers = ['run', 'pattern', 'flow', ...metrics.map((m) => `validation ${METRIC_LABELS[m]}`)];
  if (dense !== undefined) headers.push('vs dense');
  headers.push('training FLOPs executed', 'training FLOPs sparse-aware', 'steps', 'wall time');
  const best = new Map(metrics.map((m) => [m, bestValue(runs.map((r) => r.final[m]), m)]));
  const rows = runs.map((r, i): Cell[] => {
    const row: Cell[] = [{ text: names[i]!, swatch: seriesStyle(i).color, title: r.path }, r.pattern, r.flow];
    for (const m of metrics) {
      const v = r.final[m];
      row.push({ text: formatMetric(v), strong: v !== undefined && v === best.get(m) && runs.length > 1 });
    }
    if (dense !== undefined) {
      const v = r.final[metric!];
      row.push(v === undefined || r.pattern === 'dense' ? MISSING : signed(v - dense));
    }
    row.push(formatSi(r.flops.executed), formatSi(r.flops.sparseAware), r.steps === undefined ? MISSING : String(r.steps), formatSeconds(r.wallSeconds));
    return row;
  });
  const numeric = headers.map((_, i) => i >= 3);
  return htmlTable(headers, rows, numeric) + (metrics.length > 0 && runs.length > 1 ? '<p class="sub">Bold: the best value of its column.</p>' : '');
}

function bestValue(values: readonly (number | undefined)[], metric: MetricName): number | undefined {
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (finite.length === 0) return undefined;
  return HIGHER_IS_BETTER[metric] === true ? Math.max(...finite) : Math.min(...finite);
}

/** Folder names, made unique with their parent folder when two runs share one. */
function displayNames(runs: readonly RunView[]): string[] {
  return runs.map((r) => {
    const twins = runs.filter((o) => o.name === r.name).length > 1;
    return twins ? `${basename(dirname(resolve(r.path)))}/${r.name}` : r.name;
  });
}

function signed(v: number): string {
  return (v >= 0 ? '+' : '') + formatMetric(v);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
