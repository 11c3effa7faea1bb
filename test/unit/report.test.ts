import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, FormatError, IoError } from '../../src/index.js';
import { reportCommand } from '../../src/cli/commands/report.js';
import { barChart, lineChart, loadRun, renderComparisonReport, renderRunReport } from '../../src/report/index.js';
import { escapeHtml } from '../../src/report/escape.js';
import { pickFlops } from '../../src/report/flop-fields.js';
import { readMetricKey } from '../../src/report/metric-names.js';
import { formatSeconds, formatSi } from '../../src/report/number-format.js';
import { niceAxis } from '../../src/report/scale.js';

type Json = Record<string, unknown>;

function withTmp(body: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'sk-report-'));
  try {
    body(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A run folder; `metrics` null leaves metrics.jsonl out, `summary` null leaves summary.json out. */
function makeRun(root: string, name: string, files: { recipe?: string; metrics?: Json[] | string | null; summary?: Json | null }): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  if (files.recipe !== undefined) writeFileSync(join(dir, 'recipe.yaml'), files.recipe);
  if (files.metrics !== null && files.metrics !== undefined) {
    const text = typeof files.metrics === 'string' ? files.metrics : files.metrics.map((r) => JSON.stringify(r) + '\n').join('');
    writeFileSync(join(dir, 'metrics.jsonl'), text);
  }
  if (files.summary !== null && files.summary !== undefined) writeFileSync(join(dir, 'summary.json'), JSON.stringify(files.summary));
  return dir;
}

/** The SVG of the chart with this title, out of a page. */
function chart(html: string, title: string): string {
  const svg = html.split('<svg').find((s) => s.includes(`<title>${title}</title>`));
  assert.ok(svg !== undefined, `no chart titled ${title}`);
  return svg;
}

function plotArea(svg: string): { x: number; y: number; w: number; h: number } {
  const m = /class="plot-area" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(svg);
  assert.ok(m !== null, 'no plot area');
  return { x: Number(m[1]), y: Number(m[2]), w: Number(m[3]), h: Number(m[4]) };
}

/** The points of the first path with this class, split into line segments at each M. */
function pathSegments(svg: string, cls: string): Array<Array<[number, number]>> {
  const m = new RegExp(`<path class="${cls}" d="([^"]*)"`).exec(svg);
  assert.ok(m !== null, `no ${cls} path`);
  return m[1]!
    .split('M')
    .filter((s) => s !== '')
    .map((seg) => seg.split('L').map((p) => p.split(',').map(Number) as [number, number]));
}

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 0.02, `${what}: ${actual} is not ${expected}`);
}

const RECIPE_SRSTE = 'model: { kind: vit }\nsparsity: { n: 1, m: 8, flow: srste }\n';

test('comparison page: one row per run with its pattern, flow, metrics, FLOPs and wall time', () => {
  withTmp((root) => {
    const dense = makeRun(root, 'dense', {
      recipe: 'model: { kind: vit }\n',
      metrics: [{ kind: 'eval', epoch: 1, loss: 0.5, accuracy: 0.8 }],
      summary: { val: { accuracy: 0.9, loss: 0.3 }, flops: { forward: 1e12, backward: 2e12 }, wallSeconds: 125 },
    });
    const srste = makeRun(root, 'srste', {
      recipe: RECIPE_SRSTE,
      metrics: [{ kind: 'eval', epoch: 1, loss: 0.6, accuracy: 0.7 }],
      summary: { val_accuracy: 0.85, val_loss: 0.4, trainFlops: 3e12, sparseFlops: { total: 1.5e12 }, wall_time_ms: 61000 },
    });
    const sdgf = makeRun(root, 'sdgf', {
      recipe: 'sparsity: { n: 1, m: 8, flow: ste, structureDecay: stepwise }\n',
      metrics: [{ kind: 'eval', epoch: 1, accuracy: 0.75 }],
      summary: { accuracy: 0.95 },
    });
    const out = renderComparisonReport([dense, srste, sdgf], { title: 'Flows & friends' });
    assert.equal(out, join(root, 'comparison.html'));
    const html = readFileSync(out, 'utf8');
    const rows = [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '')));
    const byName = new Map(rows.filter((r) => r.length > 0).map((r) => [r[0], r]));
    // columns: run, pattern, flow, accuracy, loss, vs dense, FLOPs executed, FLOPs sparse-aware, steps, wall time
    // (no run logged a step: the steps column is a dash)
    // a dense run's sparse-aware FLOPs are its executed ones
    assert.deepEqual(byName.get('dense'), ['dense', 'dense', '—', '0.9000', '0.3000', '—', '3.00 T', '3.00 T', '—', '2m05s']);
    assert.deepEqual(byName.get('srste'), ['srste', '1:8', 'srste', '0.8500', '0.4000', '-0.0500', '3.00 T', '1.50 T', '—', '1m01s']);
    assert.deepEqual(byName.get('sdgf'), ['sdgf', '1:8', 'sdgf (stepwise)', '0.9500', '—', '+0.0500', '—', '—', '—', '—']);
    assert.match(html, /<strong>0\.9500<\/strong>/, 'the best accuracy is bold');
    assert.match(html, /<h1>Flows &amp; friends<\/h1>/);
    assert.deepEqual(readdirSync(root).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left behind');
  });
});

test('line chart: data map onto the plot area (checked by hand at the corners and the centre)', () => {
  // x 0..100 gives ticks of 20 from 0 to 100; y 0..2 ticks of 0.5 from 0 to 2: the axes end exactly at the data's extent
  const svg = lineChart({ title: 'T', xLabel: 'step', yLabel: 'loss', series: [{ name: 'a', points: [[0, 0], [50, 1], [100, 2]] }] });
  const a = plotArea(svg);
  const [seg] = pathSegments(svg, 'line');
  assert.equal(seg!.length, 3);
  near(seg![0]![0], a.x, 'x of step 0');
  near(seg![0]![1], a.y + a.h, 'y of loss 0');
  near(seg![1]![0], a.x + a.w / 2, 'x of step 50');
  near(seg![1]![1], a.y + a.h / 2, 'y of loss 1');
  near(seg![2]![0], a.x + a.w, 'x of step 100');
  near(seg![2]![1], a.y, 'y of loss 2');
  for (const tick of ['0', '20', '100', '0.5', '2.0']) assert.match(svg, new RegExp(`class="tick"[^>]*>${tick.replace('.', '\\.')}</text>`), `tick ${tick}`);
});

test('iso-FLOP chart places each evaluation at the cumulative FLOPs its record logged', () => {
  withTmp((root) => {
    const metrics = [
      { kind: 'eval', epoch: 1, accuracy: 0.5, sparseFlops: 1e9 },
      { kind: 'eval', epoch: 2, accuracy: 0.6, sparseFlops: 1.5e9 },
      { kind: 'eval', epoch: 3, accuracy: 0.7, sparseFlops: 2e9 },
    ];
    const a = makeRun(root, 'a', { recipe: RECIPE_SRSTE, metrics, summary: {} });
    const b = makeRun(root, 'b', { recipe: RECIPE_SRSTE, metrics: metrics.slice(0, 1), summary: {} });
    const html = readFileSync(renderComparisonReport([a, b], { out: join(root, 'c.html') }), 'utf8');
    const svg = chart(html, 'Validation accuracy by training compute');
    assert.match(svg, /training FLOPs \(sparse-aware\)/);
    // x: 1e9..2e9 (ticks of 2e8), y: 0.5..0.7 (ticks of 0.05): first point bottom-left, middle centre, last top-right
    const box = plotArea(svg);
    const [seg] = pathSegments(svg, 'line');
    near(seg![0]![0], box.x, 'x of 1 GFLOP');
    near(seg![0]![1], box.y + box.h, 'y of 0.5');
    near(seg![1]![0], box.x + box.w / 2, 'x of 1.5 GFLOP');
    near(seg![1]![1], box.y + box.h / 2, 'y of 0.6');
    near(seg![2]![0], box.x + box.w, 'x of 2 GFLOP');
    near(seg![2]![1], box.y, 'y of 0.7');
    assert.doesNotMatch(html, /Estimated from/);
  });
});

test("the trainer's format: bare record flops matched to the summary's sparse-aware total; status and plan from the summary", () => {
  withTmp((root) => {
    // records and summary shaped as src/train/trainer.ts writes them
    const records = (flopsPerStep: number): Json[] => [
      { type: 'train', step: 2, epoch: 0.5, loss: 2, lr: 0.01, gradNorm: 3, flops: 2 * flopsPerStep, elapsedSec: 1, samplesPerSec: 50 },
      { type: 'eval', step: 2, epoch: 0.5, loss: 1.9, accuracy: 0.4, top5: 0.8, count: 64, flops: 2 * flopsPerStep },
      { type: 'train', step: 4, epoch: 1, loss: 1.5, lr: 0.005, gradNorm: 2, flops: 4 * flopsPerStep, elapsedSec: 2, samplesPerSec: 50 },
      { type: 'eval', step: 4, epoch: 1, loss: 1.4, accuracy: 0.6, top5: 0.9, count: 64, flops: 4 * flopsPerStep },
    ];
    const summary = (extra: Json): Json => ({
      name: 'x', status: 'completed', data: 'd', model: { type: 'vit', parameters: 1000 }, steps: 4, totalSteps: 4, epochs: 1, batchSize: 8,
      final: { loss: 1.4, accuracy: 0.6, top5: 0.9, count: 64 }, wallTimeSec: 12.5, trainTimeSec: 10, samplesPerSec: 48,
      trainingFlops: { forward: 4e6, backward: 8e6, total: 12e6 }, backend: 'native', threads: 2, ...extra,
    });
    const dense = makeRun(root, 'dense', { metrics: records(3e6), summary: summary({}) });
    const sparse = makeRun(root, 'sparse', {
      metrics: records(1e6),
      summary: summary({
        status: 'diverged', error: 'loss is NaN at step 5',
        sparseTrainingFlops: { forward: 1e6, backward: 3e6, total: 4e6 },
        sparsity: { plan: { n: 1, m: 8, flow: 'srste', locations: ['ff'] }, verified: false, table: [{ name: 'fc.weight', role: 'ff', shape: [8, 8], phase: 'final', pattern: '1:8', target: '1:8', kept: 0.125, validNM: true }] },
      }),
    });
    const s = loadRun(sparse);
    assert.deepEqual([s.pattern, s.flow], ['1:8', 'srste']);
    assert.deepEqual(s.flops, { executed: 12e6, sparseAware: 4e6 });
    assert.deepEqual(s.evals.map((p) => p.flops.sparseAware), [2e6, 4e6]);
    assert.equal(s.wallSeconds, 12.5);
    assert.match(s.notes.join(), /status is "diverged": loss is NaN at step 5/);
    assert.deepEqual(loadRun(dense).flops, { executed: 12e6, sparseAware: 12e6 }, 'a dense run exploits no sparsity');
    const html = readFileSync(renderComparisonReport([dense, sparse]), 'utf8');
    const svg = chart(html, 'Validation accuracy by training compute');
    assert.match(svg, /training FLOPs \(sparse-aware\)/);
    assert.doesNotMatch(html, /Estimated from/);
    // x 2..12 M (evaluations at 2, 4 M sparse and 6, 12 M dense; ticks of 2 M), y 0.4..0.6:
    // the sparse run's second evaluation (4 M FLOPs, accuracy 0.6) sits a fifth of the way across, at the top
    const box = plotArea(svg);
    const sparseLine = svg.split('data-series="sparse"')[1]!;
    const [seg] = pathSegments(sparseLine, 'line');
    near(seg![1]![0], box.x + box.w / 5, 'x of 4 MFLOP');
    near(seg![1]![1], box.y, 'y of accuracy 0.6');
    const page = readFileSync(renderRunReport(sparse), 'utf8');
    assert.match(page, /throughput \(samples\/s\)<\/td><td class="num">48</);
    assert.ok(chart(page, 'Gradient norm').includes('class="line"'));
  });
});

test('run and comparison pages escape names, recipe text and summary keys', () => {
  withTmp((root) => {
    const dir = makeRun(root, '<script>alert("x")</script>&', {
      recipe: 'note: "<img src=x onerror=alert(1)>"\n',
      metrics: [{ step: 1, loss: 1 }],
      summary: { '<b>key</b>': 1, pattern: '<i>2:4</i>' },
    });
    const other = makeRun(root, 'plain', { metrics: [{ step: 1, loss: 2 }], summary: {} });
    const pages = [readFileSync(renderRunReport(dir), 'utf8'), readFileSync(renderComparisonReport([dir, other]), 'utf8')];
    for (const html of pages) {
      assert.doesNotMatch(html, /<script|<img|<b>key|<i>2:4/);
      assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;&amp;/);
    }
    assert.match(pages[0]!, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.equal(escapeHtml(`a<b>"c"&'d'`), 'a&lt;b&gt;&quot;c&quot;&amp;&#39;d&#39;');
  });
});

test('a run with only metrics (other spellings, a cut-off last line) still renders, with notes and dashes', () => {
  withTmp((root) => {
    const lines = [
      JSON.stringify({ step: 1, epoch: 1, train_loss: 2.0, lr: 0.1 }),
      JSON.stringify({ step: 2, epoch: 1, train_loss: 1.5, lr: 0.1 }),
      JSON.stringify({ epoch: 1, val_acc: 0.5, valLoss: 1.7, val_bits_per_char: 2.5 }),
      '{"step": 3, "los',
    ].join('\n');
    const dir = makeRun(root, 'partial', { metrics: lines, summary: null });
    const run = loadRun(dir);
    assert.deepEqual(run.train.map((p) => [p.step, p.values.loss]), [[1, 2.0], [2, 1.5]]);
    assert.deepEqual(run.final, { accuracy: 0.5, loss: 1.7, bitsPerChar: 2.5 });
    assert.equal(run.pattern, 'dense');
    assert.equal(run.notes.length, 2);
    const html = readFileSync(renderRunReport(dir), 'utf8');
    assert.match(html, /no summary\.json yet/);
    assert.match(html, /line 4 is cut off/);
    assert.match(html, /training FLOPs executed<\/td><td class="num">—/);
    assert.match(html, /wall time<\/td><td class="num">—/);
    // validation loss is logged by epoch only, so it gets its own chart rather than joining the step axis
    assert.ok(chart(html, 'Validation loss').includes('class="line"'));
    assert.ok(chart(html, 'Validation bits per character').includes('class="line"'));
  });
});

test('a run with only a summary renders its figures and the sparsity table', () => {
  withTmp((root) => {
    const dir = makeRun(root, 's', {
      metrics: null,
      summary: {
        accuracy: 0.875,
        sparsity: [
          { name: 'fc1.weight', shape: [8, 8], pattern: '1:8', kept: 0.125, validNM: true },
          { name: 'fc2.weight', shape: [16, 8], pattern: '2:8', kept: 0.25, validNM: false },
        ],
      },
    });
    const html = readFileSync(renderRunReport(dir, { out: join(root, 's.html') }), 'utf8');
    assert.match(html, /validation accuracy<\/td><td class="num">0\.8750/);
    // 8 + 32 of 192 entries kept
    assert.match(html, /2 weight tensors under the plan: 40 of 192 entries kept \(20\.83%, 79\.17% sparse\)/);
    assert.match(html, /<td>fc2\.weight<\/td><td>\[16, 8\]<\/td><td>2:8<\/td><td class="num">0\.2500<\/td><td>no<\/td>/);
    assert.doesNotMatch(html, /<svg/, 'nothing to plot');
  });
});

test('a diverged (null) loss breaks the line, and long curves are thinned keeping their spikes', () => {
  withTmp((root) => {
    const dir = makeRun(root, 'nan', { metrics: [{ step: 1, loss: 2 }, { step: 2, loss: 1 }, { step: 3, loss: null }, { step: 4, loss: 1 }, { step: 5, loss: 0.5 }], summary: {} });
    assert.equal(pathSegments(chart(readFileSync(renderRunReport(dir), 'utf8'), 'Loss'), 'line').length, 2);
  });
  const points: Array<[number, number]> = [];
  for (let i = 0; i < 20000; i++) points.push([i, i === 12345 ? 10 : 1]);
  const svg = lineChart({ title: 'long', xLabel: 'step', yLabel: 'loss', series: [{ name: 'a', points }] });
  const box = plotArea(svg);
  const pts = pathSegments(svg, 'line').flat();
  assert.ok(pts.length <= 4 * (box.w + 1), `${pts.length} points drawn`);
  near(Math.min(...pts.map((p) => p[1])), box.y, 'the spike reaches the top');
});

test('bar chart: bars start at zero and their length is proportional to the value', () => {
  const svg = barChart({ title: 'B', valueLabel: 'accuracy', bars: [{ label: 'a', value: 0.5 }, { label: 'b', value: 1 }, { label: 'c', value: undefined }] });
  const box = plotArea(svg);
  const rects = [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(rects.length, 2);
  // axis 0..1: a half-width bar and a full-width bar, both from the left edge
  near(rects[0]![0]!, box.x, 'bar a starts at 0');
  near(rects[0]![1]!, box.w / 2, 'bar a length');
  near(rects[1]![1]!, box.w, 'bar b length');
  assert.match(svg, /data-label="c"><title>c: —<\/title>/);
});

test('metric names, FLOP fields and number formats', () => {
  assert.deepEqual(readMetricKey('val_top5_accuracy'), { metric: 'top5', split: 'eval' });
  assert.deepEqual(readMetricKey('eval.bitsPerChar'), { metric: 'bitsPerChar', split: 'eval' });
  assert.deepEqual(readMetricKey('samples/s'), { metric: 'samplesPerSec', split: undefined });
  assert.deepEqual(readMetricKey('trainLoss'), { metric: 'loss', split: 'train' });
  assert.equal(readMetricKey('best.accuracy'), undefined);
  assert.deepEqual(pickFlops(new Map([['flops.forward', 1], ['flops.backward', 2]])), { executed: 3, sparseAware: undefined });
  assert.deepEqual(pickFlops(new Map([['flops.forward', 1], ['flops.total', 5], ['sparseAwareFlops', 2], ['gflopsPerSec', 9], ['flopsPerStep', 7]])), { executed: 5, sparseAware: 2 });
  assert.equal(formatSi(1530), '1.53 k');
  assert.equal(formatSi(999_600), '1.00 M');
  assert.equal(formatSi(42), '42');
  assert.equal(formatSeconds(125), '2m05s');
  assert.deepEqual(niceAxis(0.13, 2.9), { lo: 0, hi: 3, step: 0.5, ticks: [0, 0.5, 1, 1.5, 2, 2.5, 3] });
  assert.deepEqual(niceAxis(3, 3, 5, true).ticks, [2, 3, 4]);
});

test('errors: not a run folder, a missing folder, a malformed metrics line, no runs', () => {
  withTmp((root) => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    assert.throws(() => renderRunReport(empty), (e: unknown) => e instanceof ArgumentError && /empty is not a run folder: it has neither metrics\.jsonl nor summary\.json/.test(e.message));
    assert.throws(() => renderRunReport(join(root, 'nope')), (e: unknown) => e instanceof IoError && e.message.includes(join(root, 'nope')));
    const bad = makeRun(root, 'bad', { metrics: '{"step": 1}\nnot json\n{"step": 2}\n', summary: {} });
    assert.throws(() => loadRun(bad), (e: unknown) => e instanceof FormatError && e.message.includes('metrics.jsonl:2: not valid JSON'));
    assert.throws(() => renderComparisonReport([]), ArgumentError);
    assert.equal(readdirSync(empty).length, 0, 'nothing written into a folder that is not a run');
  });
});

test('CLI: sparsekit report writes a comparison, and refuses a folder that is not a run', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'sk-report-'));
  try {
    const a = makeRun(root, 'a', { metrics: [{ step: 1, loss: 1 }], summary: { accuracy: 0.5 } });
    const b = makeRun(root, 'b', { metrics: [{ step: 1, loss: 2 }], summary: { accuracy: 0.6 } });
    const out = join(root, 'cmp.html');
    const log = t.mock.method(console, 'log', () => undefined);
    await reportCommand().parseAsync([a, b, '--out', out, '--title', 'A vs B'], { from: 'user' });
    assert.deepEqual(log.mock.calls.map((c) => c.arguments), [[`wrote ${out}`]]);
    assert.match(readFileSync(out, 'utf8'), /<h1>A vs B<\/h1>/);
    // through the real entry point: the message and exit status a user sees
    const fail = spawnSync(process.execPath, ['bin/sparsekit.js', 'report', root], { encoding: 'utf8' });
    assert.equal(fail.status, 1);
    assert.match(fail.stderr, /^sparsekit: .* is not a run folder: it has neither metrics\.jsonl nor summary\.json/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
