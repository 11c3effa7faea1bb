import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../src/index.js';
import { conv2dFlops, flowDensities, linearFlops, DENSE_DENSITIES } from '../../src/sparse/flops/flow-flops.js';

const oneEighth = { n: 1, m: 8 } as const;

test('flow densities: sparse forward only when the effective weight is exactly N:M', () => {
  assert.deepEqual(flowDensities('ste', { phase: 'dense', pattern: oneEighth, beta: 1 }), { forward: 1, inputGrad: 1, weightGrad: 1 });
  for (const flow of ['ste', 'srste'] as const) {
    assert.deepEqual(flowDensities(flow, { phase: 'sparse', pattern: oneEighth, beta: 0 }), { forward: 0.125, inputGrad: 1, weightGrad: 1 });
  }
  // mask decay with β > 0 keeps every weight in the product: dense
  assert.deepEqual(flowDensities('mdgf', { phase: 'sparse', pattern: oneEighth, beta: 0.3 }), { forward: 1, inputGrad: 1, weightGrad: 1 });
  assert.deepEqual(flowDensities('mdgf', { phase: 'sparse', pattern: oneEighth, beta: 0 }), { forward: 0.125, inputGrad: 1, weightGrad: 1 });
  assert.deepEqual(flowDensities('mdgf', { phase: 'fine-tune', pattern: oneEighth, beta: 0 }), { forward: 0.125, inputGrad: 1, weightGrad: 1 });
  assert.deepEqual(flowDensities('bdwp', { phase: 'sparse', pattern: { n: 2, m: 4 }, beta: 0 }), { forward: 0.5, inputGrad: 0.5, weightGrad: 1 });
});

test('linear FLOPs on a tiny layer, by hand', () => {
  // rows 2, K 8, O 4: 64 multiply-adds = 128 FLOPs per dense product; bias adds 2·4 = 8
  const shape = { rows: 2, inFeatures: 8, outFeatures: 4, bias: true };
  assert.deepEqual(linearFlops(shape, DENSE_DENSITIES), { forward: 136, inputGrad: 128, weightGrad: 128, backward: 264, total: 400 });
  // ste at 1:8: forward 128/8 + 8 = 24; backward dense 128 + 128 + 8
  const ste = flowDensities('ste', { phase: 'sparse', pattern: oneEighth, beta: 0 });
  assert.deepEqual(linearFlops(shape, ste), { forward: 24, inputGrad: 128, weightGrad: 128, backward: 264, total: 288 });
  // bdwp at 2:4: forward 64 + 8, input gradient 64, weight gradient 128, bias gradient 8
  const bdwp = flowDensities('bdwp', { phase: 'sparse', pattern: { n: 2, m: 4 }, beta: 0 });
  assert.deepEqual(linearFlops(shape, bdwp), { forward: 72, inputGrad: 64, weightGrad: 128, backward: 200, total: 272 });
  // a first layer needs no input gradient
  assert.equal(linearFlops({ ...shape, bias: false, inputGrad: false }, DENSE_DENSITIES).total, 256);
  assert.throws(() => linearFlops({ rows: -1, inFeatures: 8, outFeatures: 4 }, DENSE_DENSITIES), (e: Error) => e instanceof ArgumentError && /rows = -1/.test(e.message));
});

test('conv2d FLOPs on a tiny layer, by hand', () => {
  // B 1, C 4 → O 2, 3×3 kernel, output 2×2: 4 positions · 2 · 4 · 9 = 288 multiply-adds
  const shape = { batch: 1, inChannels: 4, outChannels: 2, kernel: [3, 3] as const, outHeight: 2, outWidth: 2 };
  assert.deepEqual(conv2dFlops(shape, DENSE_DENSITIES), { forward: 576, inputGrad: 576, weightGrad: 576, backward: 1152, total: 1728 });
  const sparse = flowDensities('srste', { phase: 'fine-tune', pattern: { n: 1, m: 4 }, beta: 0 });
  assert.equal(conv2dFlops({ ...shape, bias: true }, sparse).forward, 576 / 4 + 8);
  // groups 2: each output sees 2 input channels → 144 multiply-adds
  assert.equal(conv2dFlops({ ...shape, groups: 2 }, DENSE_DENSITIES).forward, 288);
  assert.throws(() => conv2dFlops({ ...shape, groups: 3 }, DENSE_DENSITIES), /groups \(3\) must divide inChannels \(4\)/);
});
