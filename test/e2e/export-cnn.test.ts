// A CNN trained with N:M convolutions, exported compressed: inspect shows each
// conv weight's stored format and 4-D shape, and eval runs the file on the
// sparse kernels with the masked dense model's metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateRun, parseRecipe, train, type RecipeInput } from '../../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'sk-e2e-cnn-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

test('a 1:4 CNN run exports compressed; inspect and eval read the conv weights', () => {
  // The stem sees one channel, so 4 cannot group along it: exclude it.
  const recipe: RecipeInput = {
    model: { type: 'cnn', classes: 4, stemChannels: 8, stages: [{ channels: 8, blocks: 1 }, { channels: 16, blocks: 1, stride: 2 }] },
    data: { type: 'synthetic', count: 128, testCount: 64 },
    optim: { type: 'sgd', lr: 0.05, momentum: 0.9 },
    train: { epochs: 1, batchSize: 32, logEvery: 4 },
    sparsity: { n: 1, m: 4, flow: 'ste', locations: ['conv'], exclude: ['conv1.weight'] },
    output: { root },
  };
  const { runDir } = train(parseRecipe(recipe), { name: 'cnn', quiet: true });
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'sparsekit.js'), ...args], { encoding: 'utf8' });
  const packed = join(root, 'cnn-1x4.safetensors');
  const e = cli('export', runDir, '--format', 'nm', '--out', packed, '--json');
  assert.equal(e.status, 0, e.stderr);
  const packedNames = e.stdout.trim().split('\n').map((l) => JSON.parse(l) as { name?: string; chosen?: string }).filter((r) => r.chosen === 'sparse').map((r) => r.name);
  assert.deepEqual(packedNames, ['stages.0.0.conv1.weight', 'stages.0.0.conv2.weight', 'stages.1.0.conv1.weight', 'stages.1.0.conv2.weight', 'stages.1.0.downsample.0.weight']);
  const c = cli('inspect', packed);
  assert.equal(c.status, 0, c.stderr);
  // 16 outputs × 8 channels × 9 positions at 1:4: 288 float32 values (1152 bytes) and 2-bit positions, against 4608 dense bytes.
  const row = /stages\.1\.0\.conv1\.weight\s+nm 1:4\s+\[16, 8, 3, 3\]\s+(\d+)\s+([\d.]+)x/.exec(c.stdout);
  assert.ok(row, c.stdout);
  assert.ok(Number(row[1]) > 1152 && Number(row[2]) <= 0.3, `stored ${row[1]} bytes, ${row[2]}x`);
  const dense = evaluateRun(join(runDir, 'model.safetensors')).metrics;
  const compressed = evaluateRun(packed, { recipe: join(runDir, 'recipe.yaml') }).metrics;
  assert.ok(Math.abs(compressed.loss - dense.loss) <= 1e-5 * Math.abs(dense.loss), `${compressed.loss} vs ${dense.loss}`);
  assert.equal(compressed.accuracy, dense.accuracy);
});
