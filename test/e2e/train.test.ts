import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError, TrainingDivergedError, evaluateRun, generateCorpus, inspectSafetensors, isNM, loadCheckpoint, loadSafetensors, parseRecipe, train,
  type RecipeInput, type RunSummary,
} from '../../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'sk-e2e-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

// 512 training and 256 test images of 8×8, 4 classes: 16 steps per epoch at batch 32.
// Per image the MLP 64 -> 32 -> 4 costs 2·64·32 + 2·32·4 = 4352 forward FLOPs; backward,
// the first layer's weight gradient 2·64·32 (its input needs no gradient) and the head's
// weight and input gradients 2·(2·32·4): 4608.
const MLP: RecipeInput = {
  model: { type: 'mlp', inputShape: [1, 8, 8], classes: 4, hidden: [32] },
  data: { type: 'synthetic', count: 512, testCount: 256 },
  optim: { type: 'adamw', lr: 0.01 },
  train: { epochs: 3, batchSize: 32, logEvery: 4 },
};

function run(name: string, recipe: RecipeInput, opts: Parameters<typeof train>[1] = {}): { summary: RunSummary; runDir: string } {
  return train(parseRecipe({ ...recipe, output: { root } }), { name, quiet: true, ...opts });
}

function metricLines(runDir: string): Array<Record<string, unknown>> {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const rec = JSON.parse(l) as Record<string, unknown>;
    // Timing differs between any two runs; everything else must match exactly.
    delete rec.elapsedSec;
    delete rec.samplesPerSec;
    return rec;
  });
}

test('a tiny MLP run: loss falls, accuracy beats chance, FLOPs as counted by hand, files written', () => {
  const { summary, runDir } = run('mlp', MLP);
  const trainLoss = metricLines(runDir).filter((r) => r.type === 'train').map((r) => r.loss as number);
  assert.ok(trainLoss[trainLoss.length - 1]! < 0.6 * trainLoss[0]!, `train loss ${trainLoss.join(', ')}`);
  assert.equal(summary.status, 'completed');
  assert.equal(summary.steps, 48);
  assert.ok(summary.final!.accuracy > 0.7, `accuracy ${summary.final!.accuracy} (chance is 0.25)`);
  const images = 3 * 512;
  assert.equal(summary.trainingFlops.forward, images * 4352);
  assert.equal(summary.trainingFlops.backward, images * 4608);
  assert.equal(summary.sparseTrainingFlops, undefined);
  for (const f of ['recipe.yaml', 'metrics.jsonl', 'summary.json', 'checkpoint.json', 'model.safetensors']) assert.ok(existsSync(join(runDir, f)), f);
  // Three evaluations, one per epoch, at steps 16, 32, 48.
  assert.deepEqual(metricLines(runDir).filter((r) => r.type === 'eval').map((r) => r.step), [16, 32, 48]);
  // eval of the run folder and of its final weights reproduces the last evaluation.
  assert.equal(evaluateRun(runDir).metrics.accuracy, summary.final!.accuracy);
  assert.equal(evaluateRun(join(runDir, 'model.safetensors')).metrics.loss, summary.final!.loss);
});

test('a resumed run gives metrics, summary and weights identical to an uninterrupted one (dropout, sparsity, mask decay)', () => {
  const recipe: RecipeInput = {
    ...MLP,
    model: { type: 'mlp', inputShape: [1, 8, 8], classes: 4, hidden: [32, 16], dropout: 0.2 },
    train: { epochs: 3, batchSize: 32, logEvery: 5, checkpointEvery: 7 },
    sparsity: { n: 1, m: 4, flow: 'mdgf', decay: 'linear', decayCoef: 0.05, fineTuneFraction: 0.2, maskInterval: 3 },
  };
  const whole = run('whole', recipe);
  // Step 40 falls in the fine-tune phase (steps 38-47), whose frozen masks only the checkpoint knows.
  const stopped = run('split', recipe, { stopAfterStep: 40 });
  assert.equal(stopped.summary.status, 'stopped');
  assert.equal(loadCheckpoint(stopped.runDir).state.step, 40);
  const resumed = run('split', recipe, { resume: true });
  assert.deepEqual(metricLines(resumed.runDir), metricLines(whole.runDir));
  const strip = (s: RunSummary): unknown => ({ ...s, name: '', wallTimeSec: 0, trainTimeSec: 0, samplesPerSec: 0 });
  assert.deepEqual(strip(resumed.summary), strip(whole.summary));
  assert.deepEqual(readFileSync(join(resumed.runDir, 'model.safetensors')), readFileSync(join(whole.runDir, 'model.safetensors')));
  // A changed recipe is refused on resume, naming the key.
  assert.throws(() => run('split', { ...recipe, seed: 5 }, { resume: true }), (e: unknown) => e instanceof ConfigError && e.message.includes('seed'));
  // Starting over a finished run without --resume is refused too.
  assert.throws(() => run('whole', recipe), (e: unknown) => e instanceof ConfigError && e.message.includes('--resume'));
});

test('the NaN guard stops at the step that diverged and keeps the last good checkpoint', () => {
  // lr 0.01 for steps 1-8, then 0.01·1e30: step 9's update throws the weights far out, and step 10's logits overflow.
  const recipe: RecipeInput = { ...MLP, optim: { type: 'sgd', lr: 0.01, momentum: 0 }, lrSchedule: { type: 'step', stepSize: 8, gamma: 1e30 }, train: { epochs: 3, batchSize: 32, checkpointEvery: 4 } };
  let err: TrainingDivergedError | undefined;
  try {
    run('nan', recipe);
  } catch (e) {
    if (e instanceof TrainingDivergedError) err = e;
  }
  assert.ok(err !== undefined, 'expected a TrainingDivergedError');
  assert.equal(err.step, 10);
  assert.match(err.message, /diverged at step 10 .*loss is (NaN|-?Infinity)/);
  assert.match(err.message, /last good checkpoint \(step 8\)/);
  const ckpt = loadCheckpoint(join(root, 'nan'));
  assert.equal(ckpt.state.step, 8);
  for (const [name, t] of ckpt.model) assert.ok(t.data.every((v) => Number.isFinite(v)), name);
  const summary = JSON.parse(readFileSync(join(root, 'nan', 'summary.json'), 'utf8')) as RunSummary;
  assert.equal(summary.status, 'diverged');
});

test('a sparse run ends exactly N:M; its FLOP saving matches a hand count; inspect sees the pattern', () => {
  // SR-STE 2:4 on the hidden layer [32, 64]: its forward runs at half density every step; its input
  // needs no gradient, and the weight gradient stays dense, so the saving is 2·64·32·(1 − 2/4) per image, forward only.
  const recipe: RecipeInput = { ...MLP, sparsity: { n: 2, m: 4, flow: 'srste', locations: ['ff'] } };
  const { summary, runDir } = run('sparse', recipe);
  const images = 3 * 512;
  assert.equal(summary.trainingFlops.forward - summary.sparseTrainingFlops!.forward, images * 2 * 64 * 32 * 0.5);
  assert.equal(summary.sparseTrainingFlops!.backward, summary.trainingFlops.backward);
  const lastEval = metricLines(runDir).filter((r) => r.type === 'eval').pop()!;
  assert.deepEqual([lastEval.flops, lastEval.sparseFlops], [summary.trainingFlops.total, summary.sparseTrainingFlops!.total]);
  assert.equal(summary.sparsity!.verified, true);
  assert.deepEqual(summary.sparsity!.table.map((r) => [r.name, r.pattern, r.kept, r.validNM]), [['layers.0.weight', '2:4', 0.5, true]]);
  const weights = loadSafetensors(join(runDir, 'model.safetensors')).tensors;
  assert.ok(isNM(weights.get('layers.0.weight')!, { n: 2, m: 4 }));
  assert.ok(!isNM(weights.get('head.weight')!, { n: 2, m: 4 }), 'the head stays dense');
  assert.match(readFileSync(join(runDir, 'sparsity.md'), 'utf8'), /\| layers\.0\.weight \| ff \| \[32, 64\] \| final \| 2:4 \| 2:4 \| 0\.5000 \| yes \|/);
  // The checkpoint holds weights, optimizer moments and masks; inspect lists them with their N:M validity.
  const rows = new Map(inspectSafetensors(loadCheckpoint(runDir).tensorsPath).map((r) => [r.name, r]));
  assert.equal(rows.get('model.layers.0.weight')!.sparsity, 0.5);
  assert.ok(rows.has('optim.layers.0.weight.exp_avg') && rows.has('optim.head.bias.exp_avg_sq'));
  assert.ok(rows.has('sparsity.layers.0.weight.mask'));
  assert.match(rows.get('model.layers.0.weight')!.nm!, /^(1:2|2:4) input$/);
});

test('a character-level GPT on a small generated corpus: validation loss falls, bits per character reported', () => {
  const recipe: RecipeInput = {
    model: { type: 'gpt', contextLength: 16, dim: 32, depth: 1, heads: 2, mlpRatio: 2 },
    data: { type: 'text', corpusChars: 12_000, contextLength: 16 },
    optim: { type: 'adamw', lr: 0.01 },
    train: { steps: 40, batchSize: 16, evalEvery: 20, evalBatches: 4, logEvery: 10 },
  };
  const { summary, runDir } = run('gpt', recipe);
  const evals = metricLines(runDir).filter((r) => r.type === 'eval');
  assert.deepEqual(evals.map((r) => r.step), [20, 40]);
  const first = evals[0]!.loss as number;
  const last = evals[evals.length - 1]!.loss as number;
  assert.ok(last < first, `validation loss ${first} -> ${last}`);
  assert.ok(Math.abs(summary.final!.bitsPerChar! - summary.final!.loss / Math.LN2) < 1e-9);
  assert.ok(summary.tokensPerSec! > 0);
  // The data sets the vocabulary: the distinct characters of the corpus (the training text and the validation tail).
  const chars = new Set(generateCorpus({ seed: 1234, chars: 12_000 })).size;
  assert.match(readFileSync(join(runDir, 'recipe.yaml'), 'utf8'), new RegExp(`vocabSize: ${chars}\n`));
});

test('a missing data path and a model that does not fit the data are ConfigErrors naming the key', () => {
  const missing = (data: RecipeInput['data'], key: string): void =>
    assert.throws(() => run('missing', { ...MLP, model: { type: 'mlp' }, data }), (e: unknown) => e instanceof ConfigError && e.message.includes(key) && e.message.includes('/no/such'));
  missing({ type: 'fashion-mnist', source: '/no/such/folder' }, 'data.source');
  assert.throws(() => run('missing', { model: { type: 'gpt' }, data: { type: 'text', path: '/no/such/file.txt' } }), (e: unknown) => e instanceof ConfigError && e.message.includes('data.path'));
  assert.throws(() => run('misfit', { ...MLP, model: { type: 'mlp', inputShape: [1, 8, 8], classes: 10 } }), (e: unknown) => e instanceof ConfigError && e.message.includes('model.classes: 4'));
});

test('the CLI prints a malformed recipe as one error without a stack trace and exits 1; inspect lists a file', () => {
  const bad = join(root, 'bad.yaml');
  writeFileSync(bad, 'model:\n  type: mlp\ntrain:\n  epoch: 3\n');
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'sparsekit.js'), ...args], { encoding: 'utf8' });
  const r = cli('train', bad, '--out', root);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^sparsekit: .*bad\.yaml: the recipe is not valid/);
  assert.match(r.stderr, /train: Unrecognized key: "epoch"/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const i = cli('inspect', join(root, 'mlp', 'model.safetensors'));
  assert.equal(i.status, 0, i.stderr);
  assert.match(i.stdout, /layers\.0\.weight\s+F32\s+\[32, 64\]/);
  assert.match(i.stdout, /head\.bias\s+F32\s+\[4\]/);
  // The 2:4 run exported compressed: inspect names the stored format and its size against dense float32.
  const packed = join(root, 'sparse-2x4.safetensors');
  const e = cli('export', join(root, 'sparse'), '--format', 'nm', '--out', packed);
  assert.equal(e.status, 0, e.stderr);
  const c = cli('inspect', packed);
  assert.equal(c.status, 0, c.stderr);
  const row = /layers\.0\.weight\s+nm 2:4\s+\[32, 64\]\s+(\d+)\s+([\d.]+)x/.exec(c.stdout);
  assert.ok(row, c.stdout);
  // 1024 kept float32 values (4096 bytes) plus their positions, against 8192 dense bytes.
  assert.ok(Number(row[1]) > 4096 && Number(row[2]) <= 0.56, `stored ${row[1]} bytes, ${row[2]}x`);
  // eval runs the compressed file (sparse kernels) with the run's recipe and gets the masked model's metrics.
  const dense = evaluateRun(join(root, 'sparse', 'model.safetensors')).metrics;
  const compressed = evaluateRun(packed, { recipe: join(root, 'sparse', 'recipe.yaml') }).metrics;
  assert.ok(Math.abs(compressed.loss - dense.loss) <= 1e-5 * Math.abs(dense.loss), `${compressed.loss} vs ${dense.loss}`);
  assert.equal(compressed.accuracy, dense.accuracy);
  assert.throws(() => evaluateRun(packed), (err: unknown) => err instanceof ConfigError && /--recipe/.test(err.message));
});
