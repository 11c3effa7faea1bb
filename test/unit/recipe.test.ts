import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError, Tensor, buildLrSchedule, formatTensorTable, inspectSafetensors, loadRecipe, parseRecipe, recipeDifferences, saveSafetensors,
} from '../../src/index.js';

const MLP = 'model:\n  type: mlp\n';

function withRecipe(text: string, body: (path: string) => void, ext = 'yaml'): void {
  const dir = mkdtempSync(join(tmpdir(), 'sk-recipe-'));
  try {
    const path = join(dir, `r.${ext}`);
    writeFileSync(path, text);
    body(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function configError(fn: () => unknown, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    for (const p of parts) assert.ok(e.message.includes(p), `message should name ${p}: ${e.message}`);
    return true;
  });
}

test('an unknown key is a ConfigError naming the key, its section and the file', () => {
  withRecipe(`${MLP}train:\n  epoch: 3\n`, (path) => configError(() => loadRecipe(path), path, 'train', 'epoch'));
  withRecipe(`${MLP}optimiser: {}\n`, (path) => configError(() => loadRecipe(path), path, 'optimiser'));
  withRecipe(`model:\n  type: vit\n  width: 64\n`, (path) => configError(() => loadRecipe(path), path, 'model', 'width'));
});

test('a wrong type or value is a ConfigError naming the key path and the file', () => {
  withRecipe(`${MLP}train:\n  batchSize: big\n`, (path) => configError(() => loadRecipe(path), path, 'train.batchSize'));
  withRecipe(`${MLP}optim:\n  type: rmsprop\n`, (path) => configError(() => loadRecipe(path), path, 'optim.type'));
  withRecipe(`${MLP}sparsity:\n  n: 3\n  m: 2\n`, (path) => configError(() => loadRecipe(path), path, 'sparsity.n'));
  withRecipe(`${MLP}train:\n  epochs: 2\n  steps: 100\n`, (path) => configError(() => loadRecipe(path), 'train.steps', 'not both'));
  withRecipe(`name: my run\n${MLP}`, (path) => configError(() => loadRecipe(path), 'name'));
  withRecipe('- just\n- a list\n', (path) => configError(() => loadRecipe(path), path, 'mapping'));
  withRecipe('{"model": {"type": "mlp",}', (path) => configError(() => loadRecipe(path), path, 'JSON'), 'json');
});

test('--set overrides recipe values, and a bad override names the key', () => {
  withRecipe(`${MLP}train:\n  epochs: 5\noptim:\n  type: sgd\n  lr: 0.1\n`, (path) => {
    const r = loadRecipe(path, ['train.epochs=2', 'optim.lr=3e-4', 'sparsity.n=1', 'sparsity.m=4', 'sparsity.locations=[ff, head]']);
    assert.equal(r.train.epochs, 2);
    assert.equal(r.optim.lr, 3e-4);
    assert.equal(r.optim.type, 'sgd');
    assert.deepEqual(r.sparsity && [r.sparsity.n, r.sparsity.m, r.sparsity.locations], [1, 4, ['ff', 'head']]);
    configError(() => loadRecipe(path, ['train.epochz=2']), '--set train.epochz=2', 'epochz');
    configError(() => loadRecipe(path, ['train.epochs']), 'key.path=value');
  });
});

test('defaults fill every section left out', () => {
  const r = parseRecipe({ model: { type: 'mlp' } });
  assert.equal(r.seed, 0);
  assert.equal(r.name, undefined);
  assert.deepEqual(r.data, { type: 'fashion-mnist', source: 'auto', augment: { cropPadding: 0, flip: false }, normalize: true });
  assert.deepEqual(r.optim, { type: 'adamw', lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, decay: 'matrices' });
  assert.deepEqual(r.lrSchedule, { type: 'constant', warmupSteps: 0, warmupFraction: 0 });
  assert.deepEqual(r.train, { batchSize: 64, evalEvery: 0, evalBatches: 0, clipGradNorm: 0, checkpointEvery: 0, logEvery: 50, labelSmoothing: 0 });
  assert.deepEqual(r.output, { root: 'runs' });
  assert.equal(r.sparsity, undefined);
  // The model section takes its own schema's defaults (784-256-128-10 MLP).
  assert.deepEqual(r.model.type === 'mlp' && [r.model.inputShape, r.model.hidden, r.model.classes], [[1, 28, 28], [256, 128], 10]);
  const text = parseRecipe({ model: { type: 'gpt' }, data: { type: 'text' } });
  assert.deepEqual(text.data, { type: 'text', corpusChars: 300_000, corpusSeed: 1234, level: 'char', contextLength: 64, valFraction: 0.1 });
});

test('every recipe in examples/ validates', () => {
  const dir = join(import.meta.dirname, '..', '..', 'examples');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 5, `examples/ holds ${files.length} recipes`);
  for (const f of files) assert.doesNotThrow(() => loadRecipe(join(dir, f)), f);
});

test('learning-rate schedule from a recipe: warmup fraction and cosine worked out by hand', () => {
  const r = parseRecipe({ model: { type: 'mlp' }, optim: { type: 'sgd', lr: 1 }, lrSchedule: { type: 'cosine', warmupFraction: 0.2, endLr: 0 } });
  const lr = buildLrSchedule(r.lrSchedule, r.optim, 10)!;
  // warmup 2 steps: 1/2, 2/2; then cosine over the 8 steps left: t = 4 of 8 is halfway, (1 + cos(π/2))/2 = 0.5.
  assert.equal(lr(0), 0.5);
  assert.equal(lr(1), 1);
  assert.equal(lr(2), 1);
  assert.ok(Math.abs(lr(6) - 0.5) < 1e-12);
  const adafactor = parseRecipe({ model: { type: 'mlp' }, optim: { type: 'adafactor' }, lrSchedule: { type: 'cosine' } });
  configError(() => buildLrSchedule(adafactor.lrSchedule, adafactor.optim, 10), 'lrSchedule', 'optim.lr');
});

test('recipe differences name the changed key paths', () => {
  assert.deepEqual(recipeDifferences({ a: 1, b: { c: [1, 2], d: 'x' } }, { a: 1, b: { c: [1, 3], d: 'x', e: true } }), ['b.c[1]', 'b.e']);
  assert.deepEqual(recipeDifferences({ a: { b: 1 } }, { a: { b: 1 } }), []);
});

test('inspect reports sparsity and the sparsest N:M pattern that holds, on either axis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sk-inspect-'));
  try {
    // [2, 16]: one non-zero in each group of 8 along the input axis, but two in one group of 16.
    const a = new Float32Array(32);
    for (const i of [0, 9, 16, 31]) a[i] = 1;
    // [8, 4]: row 0 is all non-zero, so no input-axis pattern holds; each column has one non-zero in 8 along the output axis.
    const b = new Float32Array(32);
    b.fill(2, 0, 4);
    const path = join(dir, 't.safetensors');
    saveSafetensors(path, { a: new Tensor(a, [2, 16]), b: new Tensor(b, [8, 4]), dense: new Tensor(Float32Array.of(1, 2, 3, 4), [2, 2]), bias: new Tensor(Float32Array.of(0, 1), [2]) });
    const rows = new Map(inspectSafetensors(path).map((r) => [r.name, r]));
    assert.equal(rows.get('a')!.nm, '1:8 input');
    assert.equal(rows.get('a')!.sparsity, 28 / 32);
    assert.equal(rows.get('b')!.nm, '1:8 output');
    assert.equal(rows.get('dense')!.nm, null);
    assert.equal(rows.get('bias')!.nm, null);
    assert.equal(rows.get('bias')!.sparsity, 0.5);
    assert.match(formatTensorTable([...rows.values()]), /a\s+F32\s+\[2, 16\]\s+87\.50%\s+1:8 input/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
