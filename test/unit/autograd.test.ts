import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, add, defineFunction, div, matmul, mul, neg, noGrad, sub, sum, tensor, reshape, type Tensor } from '../../src/index.js';
import { assertClose, gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { forEachBackend } from '../helpers/backends.js';

test('x·x gradient is 2x, and gradients accumulate over two backward passes', () => {
  const x = tensor([[1, 2], [3, 4]]).requireGrad();
  sum(mul(x, x)).backward();
  assert.deepEqual(x.grad!.toArray(), [2, 4, 6, 8]);
  sum(mul(x, x)).backward();
  assert.deepEqual(x.grad!.toArray(), [4, 8, 12, 16]);
});

test('a tensor used twice gets the sum of both paths (shared gradient is not corrupted)', () => {
  const a = tensor([1, 2, 3]).requireGrad();
  const b = tensor([4, 5, 6]).requireGrad();
  const s = add(a, b); // add hands the same g to both inputs
  sum(mul(add(s, a), b)).backward();
  // L = Σ (a + b + a)·b → dL/da = 2b, dL/db = 2a + 2b
  assert.deepEqual(a.grad!.toArray(), [8, 10, 12]);
  assert.deepEqual(b.grad!.toArray(), [10, 14, 18]);
});

test('noGrad records nothing', () => {
  const x = tensor([1, 2]).requireGrad();
  const y = noGrad(() => mul(x, x));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  assert.throws(() => y.backward(), /does not require gradients/);
});

test('backward on a non-scalar needs an explicit gradient', () => {
  const x = tensor([1, 2]).requireGrad();
  assert.throws(() => mul(x, x).backward(), /non-scalar/);
  mul(x, x).backward(tensor([1, 1]));
  assert.deepEqual(x.grad!.toArray(), [2, 4]);
});

test('custom function: straight-through estimator passes the gradient unmasked', () => {
  const ste = defineFunction({
    name: 'ste',
    forward: (_ctx, w: Tensor, mask: Tensor) => mul(w, mask),
    backward: (_ctx, g) => [g, null],
  });
  const w = tensor([1, -2, 3, -4]).requireGrad();
  const mask = tensor([1, 0, 0, 1]);
  const y = ste(w, mask);
  assert.deepEqual(y.toArray(), [1, -0, 0, -4]);
  sum(mul(y, tensor([1, 2, 3, 4]))).backward();
  assert.deepEqual(w.grad!.toArray(), [1, 2, 3, 4]);
});

test('broadcasting binary ops: values and finite-difference gradients', () => {
  forEachBackend(() => {
    const rng = new Rng(1);
    const a = randomTensor([3, 1, 4], rng);
    const b = randomTensor([2, 4], rng);
    const c = randomTensor([2, 4], rng, 0.5, 1.5);
    const s = add(a, b);
    assert.deepEqual(s.shape, [3, 2, 4]);
    assert.ok(Math.abs(s.data[5]! - (a.data[1]! + b.data[5]!)) < 1e-6);
    gradCheck(add, [randomTensor([3, 1, 4], rng), randomTensor([2, 4], rng)]);
    gradCheck(sub, [randomTensor([3, 1, 4], rng), randomTensor([4], rng)]);
    gradCheck(mul, [randomTensor([2, 3], rng), randomTensor([3, 1, 3], rng)]);
    gradCheck(div, [randomTensor([2, 4], rng), c]);
    gradCheck((x) => neg(x), [randomTensor([5], rng)]);
    assert.throws(() => add(randomTensor([2, 3], rng), randomTensor([4], rng)), /add: shapes \[2, 3\] and \[4\] do not broadcast/);
  });
});

test('matmul: values, transpose flags, batch broadcasting and gradients', () => {
  forEachBackend(() => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    const b = tensor([[1, 0], [0, 1], [1, 1]]);
    assert.deepEqual(matmul(a, b).toArray(), [4, 5, 10, 11]);
    const bt = tensor([[1, 0, 1], [0, 1, 1]]);
    assert.deepEqual(matmul(a, bt, { transB: true }).toArray(), [4, 5, 10, 11]);
    const at = tensor([[1, 4], [2, 5], [3, 6]]);
    assert.deepEqual(matmul(at, b, { transA: true }).toArray(), [4, 5, 10, 11]);
    const rng = new Rng(2);
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const x = randomTensor(transA ? [2, 4, 3] : [2, 3, 4], rng);
      const w = randomTensor(transB ? [5, 4] : [4, 5], rng);
      gradCheck((p, q) => matmul(p!, q!, { transA, transB }), [x, w]);
    }
    gradCheck((p, q) => matmul(p!, q!), [randomTensor([2, 1, 3, 2], rng), randomTensor([3, 2, 4], rng)]);
    assert.throws(() => matmul(tensor([[1, 2]]), tensor([[1, 2]])), /matmul: inner dimensions differ: \[1, 2\] × \[1, 2\] \(2 vs 1\)/);
  });
});

test('sum over axes and reshape', () => {
  forEachBackend(() => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(sum(x).toArray(), [21]);
    assert.deepEqual(sum(x, { axis: 0 }).toArray(), [5, 7, 9]);
    assert.deepEqual(sum(x, { axis: -1, keepDims: true }).shape, [2, 1]);
    const rng = new Rng(3);
    gradCheck((t) => sum(t!, { axis: [0, 2] }), [randomTensor([2, 3, 4], rng)]);
    gradCheck((t) => reshape(t!, [4, -1]), [randomTensor([2, 3, 4], rng)]);
    assert.throws(() => reshape(x, [4, 2]), /reshape: \[2, 3\] \(6 elements\) cannot become \[4, 2\]/);
  });
});

test('assertClose flags a mismatch', () => {
  assert.throws(() => assertClose([1, 2], [1, 2.1]), /\[1\]: 2 vs expected 2.1/);
});
