import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, add, matmul, mul, scaledDotProductAttention, softmax, tensor, type Tensor } from '../../src/index.js';
import { assertClose, gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { forEachBackend } from '../helpers/backends.js';

// The same attention composed from taped ops: an independent path for values and gradients.
function composed(q: Tensor, k: Tensor, v: Tensor, scale: number, mask?: Tensor): Tensor {
  let s = mul(matmul(q, k, { transB: true }), tensor([scale]));
  if (mask !== undefined) s = add(s, mask);
  return matmul(softmax(s), v);
}

function causalMask(t: number, s: number): Tensor {
  return tensor(Float32Array.from({ length: t * s }, (_, i) => (i % s > Math.floor(i / s) ? -Infinity : 0)), [t, s]);
}

test('attention: one query by hand, causal rows by hand, default scale 1/sqrt(D)', () => {
  forEachBackend(() => {
    // scores [ln 3, 0] -> probabilities [0.75, 0.25]
    const q = tensor([[1, 0]]);
    const k = tensor([[Math.log(3), 0], [0, 0]]);
    const v = tensor([[1, 2], [3, 4]]);
    assertClose(scaledDotProductAttention(q, k, v, { scale: 1 }).toArray(), [1.5, 2.5]);
    // default scale: D = 4, so q·k = 2·ln 3 becomes ln 3
    const q4 = tensor([[2, 0, 0, 0]]);
    const k4 = tensor([[Math.log(3), 0, 0, 0], [0, 0, 0, 0]]);
    assertClose(scaledDotProductAttention(q4, k4, v).toArray(), [1.5, 2.5]);
    // causal: the first query sees only the first key, the second sees both (equal scores)
    const y = scaledDotProductAttention(tensor([[0, 0], [0, 0]]), tensor([[5, 1], [2, 3]]), v, { causal: true });
    assertClose(y.toArray(), [1, 2, 2, 3]);
  });
});

test('attention: matches the composed ops with batch broadcasting, causal and additive masks', () => {
  forEachBackend(() => {
    const rng = new Rng(30);
    const q = randomTensor([2, 3, 5, 4], rng);
    const k = randomTensor([1, 3, 7, 4], rng);
    const v = randomTensor([2, 1, 7, 3], rng);
    assertClose(scaledDotProductAttention(q, k, v).toArray(), composed(q, k, v, 0.5).toArray(), 1e-5, 1e-6);
    // causal with T < S: query i sees keys 0..i
    assertClose(scaledDotProductAttention(q, k, v, { causal: true }).toArray(), composed(q, k, v, 0.5, causalMask(5, 7)).toArray(), 1e-5, 1e-6);
    const mask = randomTensor([3, 1, 7], rng);
    mask.data[2] = -Infinity;
    const y = scaledDotProductAttention(q, k, v, { mask, scale: 0.3 });
    assert.deepEqual(y.shape, [2, 3, 5, 3]);
    assertClose(y.toArray(), composed(q, k, v, 0.3, mask).toArray(), 1e-5, 1e-6);
  });
});

test('attention: finite-difference gradients for q, k, v and the mask, and gradients equal to the composed ops', () => {
  forEachBackend(() => {
    const rng = new Rng(31);
    gradCheck((q, k, v) => scaledDotProductAttention(q!, k!, v!, { causal: true }), [randomTensor([2, 3, 2], rng), randomTensor([2, 4, 2], rng), randomTensor([2, 4, 3], rng)]);
    gradCheck(
      (q, k, v, m) => scaledDotProductAttention(q!, k!, v!, { mask: m!, scale: 0.8 }),
      [randomTensor([2, 2, 3, 2], rng), randomTensor([2, 1, 4, 2], rng), randomTensor([1, 4, 2], rng), randomTensor([2, 1, 3, 4], rng)],
    );
    const inputs = [randomTensor([2, 3, 4], rng), randomTensor([2, 5, 4], rng), randomTensor([1, 5, 2], rng)];
    const g = randomTensor([2, 3, 2], rng);
    const grads = (f: (q: Tensor, k: Tensor, v: Tensor) => Tensor): number[][] => {
      const xs = inputs.map((t) => t.detach().requireGrad());
      f(xs[0]!, xs[1]!, xs[2]!).backward(g);
      return xs.map((t) => t.grad!.toArray());
    };
    const ours = grads((q, k, v) => scaledDotProductAttention(q, k, v, { causal: true }));
    const ref = grads((q, k, v) => composed(q, k, v, 0.5, causalMask(3, 5)));
    ours.forEach((d, i) => assertClose(d, ref[i]!, 1e-4, 1e-6, `input ${i}`));
  });
});

test('attention: clear errors for mismatched shapes and masks', () => {
  const rng = new Rng(32);
  const q = randomTensor([2, 3, 4], rng);
  assert.throws(
    () => scaledDotProductAttention(q, randomTensor([2, 5, 3], rng), randomTensor([2, 5, 4], rng)),
    /scaledDotProductAttention: q \[2, 3, 4\], k \[2, 5, 3\], v \[2, 5, 4\] must be \[\.\.\., T, D\], \[\.\.\., S, D\], \[\.\.\., S, Dv\]/,
  );
  assert.throws(() => scaledDotProductAttention(q, randomTensor([2, 5, 4], rng), randomTensor([2, 6, 4], rng)), /must be \[\.\.\., T, D\]/);
  assert.throws(
    () => scaledDotProductAttention(q, randomTensor([2, 5, 4], rng), randomTensor([2, 5, 4], rng), { mask: randomTensor([3, 2, 3, 5], rng) }),
    /scaledDotProductAttention: mask \[3, 2, 3, 5\] must broadcast to the scores \[2, 3, 5\] without growing them/,
  );
  assert.throws(() => scaledDotProductAttention(q, q, q, { mask: randomTensor([4, 4], rng) }), /do not broadcast/);
  assert.throws(() => scaledDotProductAttention(tensor([1, 2]), q, q), /need at least 2 dimensions/);
});
