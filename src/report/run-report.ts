/**
 * The report of one run: what was trained (pattern, flow, recipe), how it
 * ended (final metrics, FLOPs, wall time), how it got there (loss, evaluation
 * and learning-rate curves) and where the sparsity sits (per-layer table).
 * Written next to the run's files as report.html, atomically.
 *
 * @example
 * renderRunReport('runs/vit-1of8-srste');   // → 'runs/vit-1of8-srste/report.html'
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { lineChart, type LineSeries } from './line-chart.js';
import { METRIC_LABELS, readMetricKey, type MetricName } from './metric-names.js';
import { formatMetric, formatSeconds, formatSi } from './number-format.js';
import { chartGrid, htmlPage, htmlTable, notesBox, preBlock, section } from './html-page.js';
import { recipeSummaryHtml } from './recipe-summary.js';
import { evalAxis, evalSeries, hasMetric, trainSeries } from './run-series.js';
import { loadRun, type RunView } from './run-view.js';
import { sparsityTableHtml } from './sparsity-table-html.js';

export interface RunReportOptions {
  /** Where to write (default: report.html inside the run folder). */
  readonly out?: string;
  /** Page title (default: 'Run <folder name>'). */
  readonly title?: string;
}

/**
 * Reads the run folder and writes its report; returns the path written.
 *
 * @example
 * const path = renderRunReport('runs/gpt-2of4', { out: '/tmp/gpt.html' });
 */
export function renderRunReport(runDir: string, opts: RunReportOptions = {}): string {
  const run = loadRun(runDir);
  const out = opts.out ?? join(runDir, 'report.html');
  writeFileAtomic(out, runReportHtml(run, opts.title));
  return out;
}

/** The page for one run, as a string. */
export function runReportHtml(run: RunView, title = `Run ${run.name}`): string {
  const words = [...(run.model === undefined ? [] : [run.model]), `pattern ${run.pattern}`, run.flow === '—' ? 'dense training' : `flow ${run.flow}`, ...progressWords(run)];
  const subtitle = [words.join(' · '), ...(run.data === undefined ? [] : [`data: ${run.data}`])];
  const body = [notesBox(run.notes), section('Final metrics', finalTable(run))];
  const charts = runCharts(run);
  if (charts.length > 0) body.push(section('Curves', chartGrid(charts)));
  if (run.sparsityTable !== undefined) body.push(section('Sparsity per layer', sparsityTableHtml(run.sparsityTable)));
  if (run.recipeText !== undefined) {
    const lines = run.recipeText.split('\n').length;
    const table = run.recipe === undefined ? '' : recipeSummaryHtml(run.recipe);
    body.push(section('Recipe', `${table}<details><summary>recipe.yaml as written (${lines} lines)</summary>${preBlock(run.recipeText)}</details>`));
  }
  if (run.summaryFields.size > 0) {
    const rows = [...run.summaryFields].map(([k, v]) => [k, formatMetric(v)]);
    body.push(section('Every number in summary.json', `<details><summary>${rows.length} fields</summary>${htmlTable(['key', 'value'], rows, [false, true])}</details>`));
  }
  return htmlPage(title, subtitle, body, `sparsekit report of ${run.path}`);
}

function progressWords(run: RunView): string[] {
  const words: string[] = [];
  if (run.steps !== undefined) words.push(`${run.steps} steps`);
  // a run stopped by steps ends mid-epoch: 0.1595744680851064 reads as 0.16
  if (run.epochs !== undefined) words.push(`${Number.isInteger(run.epochs) ? run.epochs : run.epochs.toFixed(2)} epochs`);
  if (run.wallSeconds !== undefined) words.push(`${formatSeconds(run.wallSeconds)} wall time`);
  return words;
}

function finalTable(run: RunView): string {
  const rows: string[][] = [];
  for (const m of ['accuracy', 'top5', 'bitsPerChar', 'perplexity', 'loss'] as const) {
    const v = run.final[m];
    if (v !== undefined) rows.push([`validation ${METRIC_LABELS[m]}`, formatMetric(v)]);
  }
  if (run.finalTrainLoss !== undefined) rows.push(['training loss (last logged)', formatMetric(run.finalTrainLoss)]);
  rows.push(['training FLOPs executed', formatSi(run.flops.executed)]);
  rows.push(['training FLOPs, sparse-aware', formatSi(run.flops.sparseAware)]);
  rows.push(['wall time', formatSeconds(run.wallSeconds)]);
  for (const m of ['samplesPerSec', 'tokensPerSec'] as const) {
    const rate = summaryValue(run, m) ?? mean(run.train.map((p) => p.values[m]));
    if (rate !== undefined) rows.push([`throughput (${METRIC_LABELS[m]})`, formatSi(rate)]);
  }
  return htmlTable(['figure', 'value'], rows, [false, true]);
}

function runCharts(run: RunView): { svg: string; caption?: string }[] {
  const charts: { svg: string; caption?: string }[] = [];
  const axis = evalAxis([run]);
  const stepEvals = run.evals.every((p) => p.step !== undefined);
  const trainLoss = trainSeries(run, 'loss', 'training', 0);
  // validation loss joins the training curve when both are placed by step
  const valLossWithTrain = stepEvals && hasMetric(run.evals, 'loss') && trainLoss.points.length > 0;
  if (trainLoss.points.length > 0) {
    const series: LineSeries[] = [trainLoss];
    if (valLossWithTrain) series.push(evalSeries(run, 'loss', 'step', 'validation', 1));
    charts.push({
      svg: lineChart({ title: 'Loss', xLabel: 'step', yLabel: 'loss', series }),
      ...(trainLoss.smoothing !== undefined && { caption: 'Training loss: faint, every logged step; bold, its exponential moving average (weight 0.9).' }),
    });
  }
  if (hasMetric(run.evals, 'accuracy') || hasMetric(run.evals, 'top5')) {
    const series = [evalSeries(run, 'accuracy', axis, 'top-1', 0), evalSeries(run, 'top5', axis, 'top-5', 1)].filter((s) => s.points.length > 0);
    charts.push({ svg: lineChart({ title: 'Validation accuracy', xLabel: axis, yLabel: 'accuracy', series }) });
  }
  const single: MetricName[] = ['bitsPerChar', 'perplexity'];
  if (!valLossWithTrain) single.push('loss');
  for (const m of single) {
    if (!hasMetric(run.evals, m)) continue;
    charts.push({ svg: lineChart({ title: `Validation ${METRIC_LABELS[m]}`, xLabel: axis, yLabel: METRIC_LABELS[m], series: [evalSeries(run, m, axis, run.name, 0)] }) });
  }
  for (const m of ['lr', 'gradNorm'] as const) {
    if (!hasMetric(run.train, m)) continue;
    const label = METRIC_LABELS[m];
    charts.push({ svg: lineChart({ title: capital(label), xLabel: 'step', yLabel: label, yFromZero: true, series: [{ name: label, points: trainSeries(run, m, label, 0).points }] }) });
  }
  return charts;
}

/** A top-level summary figure such as samplesPerSec (a run's own average beats one recomputed from its records). */
function summaryValue(run: RunView, metric: MetricName): number | undefined {
  for (const [key, v] of run.summaryFields) {
    const mk = readMetricKey(key);
    if (!key.includes('.') && mk?.metric === metric) return v;
  }
  return undefined;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function mean(values: readonly (number | undefined)[]): number | undefined {
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return finite.length === 0 ? undefined : finite.reduce((a, b) => a + b, 0) / finite.length;
}
