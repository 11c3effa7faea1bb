/**
 * A run as the report sees it: training points (per step), evaluation points
 * (per epoch), final figures, FLOPs, wall time, pattern, flow and the
 * per-layer sparsity table, from whatever fields the run logged. Nothing is
 * required beyond the files readRunFolder accepts; a missing figure is
 * undefined and shows as a dash.
 *
 * How records are read (spellings per metric-names.ts):
 * - a record is an evaluation when it says so (`kind: 'eval'`, `split: 'val'`)
 *   or carries accuracy, top-5, perplexity or bits/char without lr or
 *   throughput; a `val_`/`eval.` key is an evaluation figure in any record;
 * - FLOP fields on a record (`flops`, `sparseFlops`, ...) are cumulative
 *   training FLOPs up to that record; a bare `flops` counts as whichever
 *   summary total (executed or sparse-aware) the run's last one is nearer;
 * - summary.json gives the final figures (evaluation ones preferred), FLOP
 *   totals (see flop-fields.ts), wall time (`wallSeconds`, `wall_time`,
 *   `elapsedMs`, ...) and the sparsity table (an array of { name, ... } rows).
 * Pattern and flow come from the recipe's `sparsity:` section (n, m, flow,
 * decay, structureDecay), else the summary's `sparsity.plan`; `pattern` /
 * `flow` strings in the summary override both. A dense run's sparse-aware
 * FLOPs are its executed ones: it has no sparsity to exploit.
 *
 * @example
 * const run = loadRun('runs/vit-1of8-mdgf');
 * run.final.accuracy; run.flops.sparseAware; run.train.map((p) => [p.step, p.values.loss]);
 */
import { pickFlops, type RunFlops } from './flop-fields.js';
import { flattenNumbers, keyWords, readMetricKey, recordSplit, type MetricName, type Split } from './metric-names.js';
import { isObject, readRunFolder, type JsonObject, type RunFolder } from './run-folder.js';
import { extent } from './scale.js';
import { formatSi } from './number-format.js';

export type MetricValues = Partial<Record<MetricName, number>>;

export interface MetricPoint {
  readonly step: number | undefined;
  readonly epoch: number | undefined;
  /** Cumulative training FLOPs at this record, when it logged them. */
  readonly flops: RunFlops;
  readonly values: MetricValues;
}

export interface RunView {
  readonly path: string;
  readonly name: string;
  /** recipe.yaml, parsed and as written. */
  readonly recipe: JsonObject | undefined;
  readonly recipeText: string | undefined;
  /** The summary's words on the model ('vit, 72.1 k parameters') and the data, when it has them. */
  readonly model: string | undefined;
  readonly data: string | undefined;
  /** '1:8', '2:4 (qkv 1:4)', 'dense'. */
  readonly pattern: string;
  /** 'srste', 'mdgf (exp)', 'sdgf (stepwise)', or '—' for a dense run. */
  readonly flow: string;
  readonly train: readonly MetricPoint[];
  readonly evals: readonly MetricPoint[];
  /** Final evaluation figures: the summary's, else the last evaluation's. */
  readonly final: MetricValues;
  readonly finalTrainLoss: number | undefined;
  readonly flops: RunFlops;
  readonly wallSeconds: number | undefined;
  readonly steps: number | undefined;
  readonly epochs: number | undefined;
  readonly sparsityTable: readonly JsonObject[] | undefined;
  /** Every number in summary.json, by dotted key, for the run's own page. */
  readonly summaryFields: ReadonlyMap<string, number>;
  readonly notes: readonly string[];
}

/** The metrics an evaluation reports (the rest are training-side). */
export const EVAL_METRICS: readonly MetricName[] = ['accuracy', 'top5', 'bitsPerChar', 'perplexity', 'loss'];

/** Reads the folder and interprets it. */
export function loadRun(path: string): RunView {
  return viewRun(readRunFolder(path));
}

/** Interprets an already read folder. */
export function viewRun(folder: RunFolder): RunView {
  const train: MetricPoint[] = [];
  const evals: MetricPoint[] = [];
  for (const rec of folder.records) {
    const { trainPoint, evalPoint } = splitRecord(rec);
    if (trainPoint !== undefined) train.push(trainPoint);
    if (evalPoint !== undefined) evals.push(evalPoint);
  }
  const summary = folder.summary ?? {};
  const fields = flattenNumbers(summary);
  const final: MetricValues = {};
  let finalTrainLoss: number | undefined;
  let steps: number | undefined;
  let epochs: number | undefined;
  // evaluation-labelled keys first, so `val.loss` beats a bare `loss`
  for (const pass of ['eval', undefined] as const) {
    for (const [key, v] of fields) {
      const mk = readMetricKey(key);
      if (mk === undefined) continue;
      if (mk.split === 'train' && mk.metric === 'loss') finalTrainLoss ??= v;
      if (mk.split !== pass) continue;
      if (mk.metric === 'step') steps ??= v;
      else if (mk.metric === 'epoch') epochs ??= v;
      else if (EVAL_METRICS.includes(mk.metric)) final[mk.metric] ??= v;
    }
  }
  for (const m of EVAL_METRICS) {
    const v = final[m] ?? lastValue(evals, m);
    if (v !== undefined) final[m] = v;
  }
  finalTrainLoss ??= lastValue(train, 'loss');
  const all = [...train, ...evals];
  steps ??= maxOf(all.map((p) => p.step));
  epochs ??= maxOf(all.map((p) => p.epoch));
  const totals = pickFlops(fields);
  const { pattern, flow } = patternAndFlow(folder.recipe, summary);
  const points = calibrateFlops([...train, ...evals], totals, pattern === 'dense');
  const lastFlops = (k: keyof RunFlops): number | undefined => maxOf(points.map((p) => p.flops[k]));
  const executed = totals.executed ?? lastFlops('executed');
  const sparseAware = totals.sparseAware ?? lastFlops('sparseAware') ?? (pattern === 'dense' ? executed : undefined);
  const notes = [...folder.notes];
  if (typeof summary.status === 'string' && summary.status !== 'completed') {
    notes.push(`the run's status is "${summary.status}"${typeof summary.error === 'string' ? `: ${summary.error}` : ''}`);
  }
  return {
    path: folder.path,
    name: folder.name,
    recipe: folder.recipe,
    recipeText: folder.recipeText,
    model: modelWords(summary.model),
    data: typeof summary.data === 'string' ? summary.data : undefined,
    pattern,
    flow,
    train: points.slice(0, train.length),
    evals: points.slice(train.length),
    final,
    finalTrainLoss,
    flops: { executed, sparseAware },
    wallSeconds: wallSeconds(fields),
    steps,
    epochs,
    sparsityTable: findTable(summary),
    summaryFields: fields,
    notes,
  };
}

function splitRecord(rec: JsonObject): { trainPoint?: MetricPoint; evalPoint?: MetricPoint } {
  const own = recordSplit(rec);
  const fields = flattenNumbers(rec);
  const bySplit: Record<Split, MetricValues> = { train: {}, eval: {} };
  const unsplit: MetricValues = {};
  let step: number | undefined;
  let epoch: number | undefined;
  for (const [key, v] of fields) {
    const mk = readMetricKey(key);
    if (mk === undefined) continue;
    if (mk.metric === 'step') step ??= v;
    else if (mk.metric === 'epoch') epoch ??= v;
    else {
      const target = mk.split ?? own;
      (target === undefined ? unsplit : bySplit[target])[mk.metric] ??= v;
    }
  }
  const has = (vals: MetricValues, names: readonly MetricName[]): boolean => names.some((n) => vals[n] !== undefined);
  if (Object.keys(unsplit).length > 0) {
    // a record that labels its validation figures leaves the bare ones to training
    const toEval =
      Object.keys(bySplit.eval).length === 0 &&
      !has(unsplit, ['lr', 'samplesPerSec', 'tokensPerSec']) &&
      has(unsplit, ['accuracy', 'top5', 'perplexity', 'bitsPerChar']);
    const target = toEval ? bySplit.eval : bySplit.train;
    for (const [k, v] of Object.entries(unsplit) as Array<[MetricName, number]>) target[k] ??= v;
  }
  const flops = pickFlops(fields);
  const point = (values: MetricValues): MetricPoint | undefined => (Object.keys(values).length === 0 ? undefined : { step, epoch, flops, values });
  const trainPoint = point(bySplit.train);
  const evalPoint = point(bySplit.eval);
  return { ...(trainPoint && { trainPoint }), ...(evalPoint && { evalPoint }) };
}

/**
 * Records' unqualified FLOP counts (read as executed) are moved to the
 * sparse-aware slot when their final value matches the summary's sparse-aware
 * total better than its executed one; a dense run's count serves as both.
 */
function calibrateFlops(points: readonly MetricPoint[], totals: RunFlops, dense: boolean): MetricPoint[] {
  const last = maxOf(points.map((p) => p.flops.executed));
  const { executed, sparseAware } = totals;
  const moveToSparse =
    last !== undefined && sparseAware !== undefined && points.every((p) => p.flops.sparseAware === undefined) &&
    (executed === undefined || Math.abs(last - sparseAware) < Math.abs(last - executed));
  if (!moveToSparse && !dense) return [...points];
  return points.map((p) => ({
    ...p,
    flops: moveToSparse ? { executed: undefined, sparseAware: p.flops.executed } : { executed: p.flops.executed, sparseAware: p.flops.sparseAware ?? p.flops.executed },
  }));
}

function lastValue(points: readonly MetricPoint[], m: MetricName): number | undefined {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = points[i]!.values[m];
    if (v !== undefined) return v;
  }
  return undefined;
}

function maxOf(values: readonly (number | undefined)[]): number | undefined {
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return finite.length === 0 ? undefined : extent(finite)[1];
}

function patternAndFlow(recipe: JsonObject | undefined, summary: JsonObject): { pattern: string; flow: string } {
  const plan = findSparsity(recipe, summary);
  let pattern = 'dense';
  let flow = '—';
  if (plan !== undefined && typeof plan.n === 'number' && typeof plan.m === 'number') {
    pattern = `${plan.n}:${plan.m}`;
    if (isObject(plan.qkv) && typeof plan.qkv.n === 'number' && typeof plan.qkv.m === 'number') pattern += ` (qkv ${plan.qkv.n}:${plan.qkv.m})`;
    const base = typeof plan.flow === 'string' ? plan.flow : 'ste';
    flow = base === 'mdgf' && typeof plan.decay === 'string' ? `mdgf (${plan.decay})` : base;
    const sd = plan.structureDecay;
    // structure decay with the plain flow is the study's "sdgf"
    if (typeof sd === 'string' && sd !== 'none') flow = base === 'ste' ? `sdgf (${sd})` : `${flow} + sdgf (${sd})`;
  }
  if (typeof summary.pattern === 'string') pattern = summary.pattern;
  if (typeof summary.flow === 'string') flow = summary.flow;
  return { pattern, flow };
}

function modelWords(model: unknown): string | undefined {
  if (typeof model === 'string') return model;
  if (!isObject(model) || typeof model.type !== 'string') return undefined;
  return typeof model.parameters === 'number' ? `${model.type}, ${formatSi(model.parameters)} parameters` : model.type;
}

function findSparsity(recipe: JsonObject | undefined, summary: JsonObject): JsonObject | undefined {
  if (recipe !== undefined) {
    if (isObject(recipe.sparsity)) return recipe.sparsity;
    for (const v of Object.values(recipe)) if (isObject(v) && isObject(v.sparsity)) return v.sparsity;
  }
  return isObject(summary.sparsity) && isObject(summary.sparsity.plan) ? summary.sparsity.plan : undefined;
}

const TIME_WORDS = new Set(['wall', 'elapsed', 'time', 'duration', 'runtime', 'seconds']);
const NOT_WALL = new Set(['per', 'step', 'eval', 'val', 'test', 'epoch', 'eta', 'first', 'avg', 'mean']);

function wallSeconds(fields: ReadonlyMap<string, number>): number | undefined {
  const cands = [...fields].filter(([k, v]) => {
    const w = keyWords(k);
    return Number.isFinite(v) && w.some((x) => TIME_WORDS.has(x)) && !w.some((x) => NOT_WALL.has(x));
  });
  const pick = cands.find(([k]) => keyWords(k).includes('wall')) ?? cands[0];
  if (pick === undefined) return undefined;
  const w = keyWords(pick[0]);
  const unit = w.includes('ms') || w.includes('milliseconds') ? 1e-3 : w.includes('min') || w.includes('minutes') ? 60 : w.includes('hours') ? 3600 : 1;
  return pick[1] * unit;
}

function findTable(summary: JsonObject): readonly JsonObject[] | undefined {
  const isTable = (v: unknown): v is JsonObject[] =>
    Array.isArray(v) && v.length > 0 && v.every((r) => isObject(r) && ['name', 'weight', 'param', 'layer'].some((k) => typeof r[k] === 'string'));
  const found: Array<[string, JsonObject[]]> = [];
  const visit = (obj: JsonObject, depth: number): void => {
    for (const [k, v] of Object.entries(obj)) {
      if (isTable(v)) found.push([k, v]);
      else if (isObject(v) && depth < 2) visit(v, depth + 1);
    }
  };
  visit(summary, 0);
  return (found.find(([k]) => keyWords(k).includes('sparsity')) ?? found[0])?.[1];
}
