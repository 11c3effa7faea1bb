import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, headAttention, tensor, reshape, scaledDotProductAttention, sum, transpose, mul, type Tensor } from '../../src/index.js';
import { assertClose, gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { forEachBackend } from '../helpers/backends.js';

// The independent path: split heads out, attend per head, merge heads back.
function splitHeads(q: Tensor, k: Tensor, v: Tensor, heads: number, causal: boolean, scale?: number): Tensor {
  const split = (z: Tensor): Tensor => transpose(reshape(z, [z.shape[0]!, z.shape[1]!, heads, z.shape[2]! / heads]), 1, 2);
  const y = scaledDotProductAttention(split(q), split(k), split(v), { causal, ...(scale === undefined ? {} : { scale }) });
  return reshape(transpose(y, 1, 2), [q.shape[0]!, q.shape[1]!, v.shape[2]!]);
}

test('headAttention: one head by hand', () => {
  forEachBackend(() => {
    // scores [ln 3, 0] -> probabilities [0.75, 0.25]; causal: the first query sees only the first key
    const q = tensor([[[1, 0], [0, 0]]]);
    const k = tensor([[[Math.log(3), 0], [0, 0]]]);
    const v = tensor([[[1, 2], [3, 4]]]);
    assertClose(headAttention(q, k, v, 1, { scale: 1 }).toArray(), [1.5, 2.5, 2, 3]);
    assertClose(headAttention(q, k, v, 1, { scale: 1, causal: true }).toArray(), [1, 2, 2, 3]);
  });
});

test('headAttention: equals split heads + scaledDotProductAttention + merge, values and gradients', () => {
  forEachBackend(() => {
    const rng = new Rng(40);
    for (const causal of [false, true]) {
      const q = randomTensor([2, 5, 12], rng).requireGrad();
      const k = randomTensor([2, 7, 12], rng).requireGrad();
      const v = randomTensor([2, 7, 6], rng).requireGrad();
      const w = randomTensor([2, 5, 6], rng);
      const fused = headAttention(q, k, v, 3, { causal });
      const split = splitHeads(q, k, v, 3, causal);
      assertClose(fused.toArray(), split.toArray(), 1e-5, 1e-6);
      sum(mul(fused, w)).backward();
      const want = [q, k, v].map((x) => x.grad!.toArray());
      [q, k, v].forEach((x) => (x.grad = null));
      sum(mul(split, w)).backward();
      [q, k, v].forEach((x, i) => assertClose(want[i]!, x.grad!.toArray(), 1e-5, 1e-6));
    }
  });
});

test('headAttention: finite-difference gradients for q, k and v', () => {
  forEachBackend(() => {
    const rng = new Rng(41);
    gradCheck((q, k, v) => headAttention(q!, k!, v!, 2, { causal: true }), [randomTensor([2, 3, 4], rng), randomTensor([2, 4, 4], rng), randomTensor([2, 4, 6], rng)]);
    gradCheck((q, k, v) => headAttention(q!, k!, v!, 1, { scale: 0.7 }), [randomTensor([1, 2, 3], rng), randomTensor([1, 3, 3], rng), randomTensor([1, 3, 2], rng)]);
  });
});

test('headAttention: bad shapes and heads are clear errors', () => {
  const rng = new Rng(42);
  const x = randomTensor([1, 2, 4], rng);
  assert.throws(() => headAttention(x, x, x, 3), /headAttention: heads 3 must be a positive integer dividing the widths of q \(4\) and v \(4\)/);
  assert.throws(() => headAttention(x, randomTensor([1, 2, 6], rng), x, 2), /headAttention: q \[1, 2, 4\], k \[1, 2, 6\]/);
  assert.throws(() => headAttention(reshape(x, [2, 4]), x, x, 1), /must be \[B, T, H·D\]/);
  assert.throws(() => headAttention(x, x, x, 2, { scale: Infinity }), /scale Infinity must be a finite number/);
});
