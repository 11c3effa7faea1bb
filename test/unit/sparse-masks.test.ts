import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, tensor, ArgumentError, type Tensor } from '../../src/index.js';
import { nmMask, isNM, nmViolations } from '../../src/sparse/masks/nm-mask.js';
import { magnitudeMask } from '../../src/sparse/masks/magnitude-mask.js';
import { nmLayout } from '../../src/sparse/patterns/nm-pattern.js';
import { nmMask as nmMaskKernel } from '../../src/kernels/index.js';
import { randomTensor } from '../helpers/gradcheck.js';
import { forEachBackend } from '../helpers/backends.js';

test('nmMask along the input dimension: 2:4, 1:4 and 3:4 on a hand-checked matrix, ties to the lower index', () => {
  forEachBackend(() => {
    const w = tensor([
      [0.5, -3, 2, 0.1, 4, 4, -4, 1],
      [0, 0, 0, 0, -1, 2, -3, 0.5],
    ]);
    // |row 0| groups: (.5, 3, 2, .1) and (4, 4, 4, 1); row 1: (0, 0, 0, 0) and (1, 2, 3, .5)
    assert.deepEqual(nmMask(w, { n: 2, m: 4 }).toArray(), [0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0]);
    assert.deepEqual(nmMask(w, { n: 1, m: 4 }).toArray(), [0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]);
    // 3:4 drops the smallest; among equal smallest the higher index goes
    assert.deepEqual(nmMask(w, { n: 3, m: 4 }).toArray(), [1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0]);
    assert.deepEqual(nmMask(w, { n: 4, m: 4 }).toArray(), new Array(16).fill(1));
    assert.deepEqual(nmMask(w, { n: 1, m: 2 }).toArray(), [0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0]);
    assert.deepEqual(nmMask(w, { n: 1, m: 2 }).shape, [2, 8]);
  });
});

test('nmMask along the output dimension groups each column', () => {
  const w = tensor([
    [1, -5],
    [3, 0],
    [-2, 5],
    [0.5, 5],
  ]);
  // column 0: |1, 3, 2, .5| keeps rows 1, 2; column 1: |5, 0, 5, 5| keeps rows 0, 2 (ties to the lower row)
  assert.deepEqual(nmMask(w, { n: 2, m: 4, axis: 'output' }).toArray(), [0, 1, 1, 0, 1, 1, 0, 0]);
  // pairs of rows (0, 1) and (2, 3): column 0 keeps rows 1 and 2; column 1 keeps rows 0 and 2 (5 = 5)
  assert.deepEqual(nmMask(w, { n: 1, m: 2, axis: 'output' }).toArray(), [0, 1, 1, 0, 1, 1, 0, 0]);
});

test('nmMask on a conv weight groups input channels at each kernel position', () => {
  // [O=2, I=4, kh=1, kw=2]; w[o][i] = [value at kw 0, value at kw 1]
  const w = tensor([
    [[[1, 9]], [[4, -1]], [[-3, 2]], [[2, 0]]],
    [[[0, 1]], [[0, 2]], [[7, 3]], [[-6, 4]]],
  ]);
  // o=0: position 0 |1,4,3,2| keeps i=1,2; position 1 |9,1,2,0| keeps i=0,2
  // o=1: position 0 |0,0,7,6| keeps i=2,3; position 1 |1,2,3,4| keeps i=2,3
  assert.deepEqual(nmMask(w, { n: 2, m: 4 }).toArray(), [0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  // along O (groups of 2 over the two output channels, at each (i, position)):
  // (1,0)→o0 (9,1)→o0 (4,0)→o0 (1,2)→o1 (3,7)→o1 (2,3)→o1 (2,6)→o1 (0,4)→o1
  assert.deepEqual(nmMask(w, { n: 1, m: 2, axis: 'output' }).toArray(), [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  assert.equal(isNM(w, { n: 2, m: 4 }), false);
});

test('nmMask errors name the layer, the shape and the fix', () => {
  const w = tensor(new Float32Array(12), [2, 6]);
  const name = 'blocks.0.mlp.fc1.weight';
  assert.throws(() => nmMask(w, { n: 3, m: 2, name }), (e: Error) => e instanceof ArgumentError && /fc1\.weight/.test(e.message) && /N <= M/.test(e.message));
  assert.throws(() => nmMask(w, { n: 0, m: 2, name }), /N >= 1 and M >= 1, got 0:2/);
  assert.throws(() => nmMask(w, { n: 1, m: 0 }), /got 1:0/);
  assert.throws(() => nmMask(w, { n: 1.5, m: 2 }), /whole numbers/);
  assert.throws(
    () => nmMask(w, { n: 1, m: 4, name }),
    (e: Error) => e instanceof ArgumentError && /fc1\.weight.*M = 4 does not divide the input dimension \(6\) of weight \[2, 6\].*axis 'output'/.test(e.message),
  );
  assert.throws(() => nmMask(w, { n: 1, m: 4, axis: 'output' }), /does not divide the output dimension \(2\)/);
  assert.throws(() => nmMask(tensor([1, 2, 3, 4]), { n: 2, m: 4, name: 'fc1.bias' }), /fc1\.bias.*at least 2 dimensions/);
});

// An independent spec: sort each group by (|w| descending, index ascending) and keep the first n.
function sortedMask(w: Tensor, n: number, m: number, axis: 'input' | 'output'): number[] {
  const { outer, dim, inner } = nmLayout(w.shape, { n, m, axis });
  const out = new Array<number>(w.size).fill(0);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let g = 0; g < dim; g += m) {
        const idx = Array.from({ length: m }, (_, j) => (o * dim + g + j) * inner + i);
        idx.sort((a, b) => Math.abs(w.data[b]!) - Math.abs(w.data[a]!) || a - b);
        for (let r = 0; r < n; r++) out[idx[r]!] = 1;
      }
    }
  }
  return out;
}

test('nmMask agrees with a sort-based spec on awkward shapes, with ties, on every backend', () => {
  forEachBackend(() => {
    const rng = new Rng(7);
    const cases: Array<[number[], number, number, 'input' | 'output']> = [
      [[1, 4], 1, 4, 'input'],
      [[3, 8], 3, 8, 'input'],
      [[7, 32], 5, 32, 'input'],
      [[33, 16], 1, 16, 'input'],
      [[1023, 4], 2, 4, 'input'],
      [[8, 7], 1, 8, 'output'],
      [[32, 33], 31, 32, 'output'],
      [[3, 6, 3, 3], 2, 3, 'input'],
      [[4, 3, 1, 7], 1, 2, 'output'],
    ];
    for (const [shape, n, m, axis] of cases) {
      const w = randomTensor(shape, rng);
      // Coarse values make ties common.
      for (let i = 0; i < w.size; i++) w.data[i] = Math.round(w.data[i]! * 3) / 3;
      const mask = nmMask(w, { n, m, axis });
      assert.deepEqual(mask.toArray(), sortedMask(w, n, m, axis), `shape [${shape}] ${n}:${m} ${axis}`);
      assert.ok(isNM(mask, { n, m, axis }));
      const kept = mask.toArray().reduce((a, b) => a + b, 0);
      assert.equal(kept, (w.size / m) * n);
    }
  });
});

test('the nmMask kernel: reference and native twin agree when the twin is built', () => {
  const kernel = nmMaskKernel;
  const rng = new Rng(8);
  for (const [outer, dim, inner, n, m] of [[1, 4, 1, 2, 4], [3, 8, 1, 1, 8], [7, 33, 1, 1, 3], [33, 16, 9, 3, 16], [1, 1023, 1, 1, 1023]] as const) {
    const w = randomTensor([outer * dim * inner], rng).data;
    const ref = new Float32Array(w.length);
    kernel.reference(w, outer, dim, inner, n, m, ref);
    let kept = 0;
    for (const v of ref) kept += v;
    assert.equal(kept, outer * inner * (dim / m) * n);
    if (kernel.native !== null) {
      const nat = new Float32Array(w.length);
      kernel.native(w, outer, dim, inner, n, m, nat);
      assert.deepEqual(Array.from(nat), Array.from(ref));
    }
  }
});

test('nmMask counts NaN as the smallest magnitude', () => {
  const w = tensor([[NaN, 1, -2, NaN]]);
  assert.deepEqual(nmMask(w, { n: 2, m: 4 }).toArray(), [0, 1, 1, 0]);
  assert.deepEqual(nmMask(w, { n: 3, m: 4 }).toArray(), [1, 1, 1, 0]);
});

test('isNM and nmViolations check at most n non-zeros per group', () => {
  const ok = tensor([
    [1, 0, 0, 2, 0, 0, 0, 0],
    [0, 0, 5, 0, 0, 3, -1, 0],
  ]);
  assert.ok(isNM(ok, { n: 2, m: 4 }));
  assert.equal(isNM(ok, { n: 1, m: 4 }), false);
  assert.equal(nmViolations(ok, { n: 1, m: 4 }), 2);
  assert.equal(isNM(ok, { n: 1, m: 4, axis: 'output' }), false);
  assert.equal(nmViolations(ok, { n: 1, m: 2, axis: 'output' }), 0);
  assert.equal(nmViolations(ok, { n: 1, m: 3 }), Infinity);
  assert.equal(isNM(tensor([1, 0]), { n: 1, m: 2 }), false);
});

test('magnitudeMask keeps the largest magnitudes of the whole tensor', () => {
  assert.deepEqual(magnitudeMask(tensor([0.1, -3, 2, 0.5]), { sparsity: 0.5 }).toArray(), [0, 1, 1, 0]);
  assert.deepEqual(magnitudeMask(tensor([[1, -1], [1, 1]]), { sparsity: 0.5 }).toArray(), [1, 1, 0, 0]);
  assert.deepEqual(magnitudeMask(tensor([0.1, -3, 2, 0.5]), { sparsity: 0.75 }).toArray(), [0, 1, 0, 0]);
  assert.deepEqual(magnitudeMask(tensor([0.1, -3]), { sparsity: 0 }).toArray(), [1, 1]);
  assert.deepEqual(magnitudeMask(tensor([0.1, -3]), { sparsity: 1 }).toArray(), [0, 0]);
  assert.throws(() => magnitudeMask(tensor([1]), { sparsity: 1.5, name: 'fc.weight' }), /fc\.weight.*sparsity 1\.5 must lie in \[0, 1\]/);
});
