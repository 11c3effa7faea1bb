import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Rng,
  batchNorm2d,
  crossEntropy,
  embedding,
  layerNorm,
  linear,
  logSoftmax,
  ones,
  softmax,
  sum,
  tensor,
  zeros,
  type Tensor,
} from '../../src/index.js';
import { assertClose, gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { forEachBackend } from '../helpers/backends.js';

test('linear: hand-computed values, leading dimensions, gradients for x, weight and bias', () => {
  forEachBackend(() => {
    const x = tensor([[1, 2]]);
    const w = tensor([[1, 0], [0, 1], [1, 1]]);
    const b = tensor([0.5, 0, -1]);
    assert.deepEqual(linear(x, w, b).toArray(), [1.5, 2, 2]);
    assert.deepEqual(linear(x, w).toArray(), [1, 2, 3]);
    const rng = new Rng(10);
    const y = linear(randomTensor([2, 3, 4], rng), randomTensor([5, 4], rng), randomTensor([5], rng));
    assert.deepEqual(y.shape, [2, 3, 5]);
    gradCheck((p, q, r) => linear(p!, q!, r!), [randomTensor([2, 3, 4], rng), randomTensor([5, 4], rng), randomTensor([5], rng)]);
    gradCheck((p, q) => linear(p!, q!), [randomTensor([3, 4], rng), randomTensor([2, 4], rng)]);
    assert.throws(() => linear(x, tensor([[1, 2, 3]])), /linear: input \[1, 2\] and weight \[1, 3\] do not fit/);
    assert.throws(() => linear(x, w, tensor([1, 2])), /linear: bias \[2\] must be \[3\]/);
  });
});

test('softmax and logSoftmax: a 2×2 by hand, other axes, large logits, gradients', () => {
  forEachBackend(() => {
    const x = tensor([[0, Math.log(3)], [5, 5]]);
    assertClose(softmax(x).toArray(), [0.25, 0.75, 0.5, 0.5]);
    assertClose(logSoftmax(x).toArray(), [Math.log(0.25), Math.log(0.75), Math.log(0.5), Math.log(0.5)]);
    // axis 0 of [[0, 0], [ln 3, 0]]: columns (0, ln 3) and (0, 0)
    assertClose(softmax(tensor([[0, 0], [Math.log(3), 0]]), 0).toArray(), [0.25, 0.5, 0.75, 0.5]);
    assertClose(softmax(tensor([1000, 1001])).toArray(), [1 / (1 + Math.E), Math.E / (1 + Math.E)]);
    const rng = new Rng(11);
    for (const axis of [-1, 0, 1]) {
      gradCheck((t) => softmax(t!, axis), [randomTensor([2, 3, 4], rng)]);
      gradCheck((t) => logSoftmax(t!, axis), [randomTensor([2, 3, 4], rng)]);
    }
    assert.throws(() => softmax(x, 2), /softmax: axis 2 is out of range for a tensor with 2 dimensions/);
  });
});

test('crossEntropy: PyTorch semantics by hand (mean, sum, none, ignoreIndex, label smoothing)', () => {
  forEachBackend(() => {
    const logits = tensor([[0, Math.log(3)], [0, Math.log(3)], [7, -7]]);
    const nll1 = -Math.log(0.75);
    const nll0 = -Math.log(0.25);
    const none = crossEntropy(logits, Int32Array.from([1, 0, -100]), { reduction: 'none' });
    assert.deepEqual(none.shape, [3]);
    assertClose(none.toArray(), [nll1, nll0, 0]);
    // the ignored row is left out of the mean's count
    assertClose([crossEntropy(logits, Int32Array.from([1, 0, -100])).item()], [(nll1 + nll0) / 2]);
    assertClose([crossEntropy(logits, Int32Array.from([1, 0, -100]), { reduction: 'sum' }).item()], [nll1 + nll0]);
    assertClose([crossEntropy(logits, Int32Array.from([1, 0, 1]), { ignoreIndex: 1 }).item()], [nll0]);
    // label smoothing ε: (1 − ε)·nll + ε·mean over classes of −log p
    const eps = 0.1;
    const smooth = (-Math.log(0.25) - Math.log(0.75)) / 2;
    const expected = ((1 - eps) * nll1 + eps * smooth + (1 - eps) * nll0 + eps * smooth) / 2;
    assertClose([crossEntropy(logits, Int32Array.from([1, 0, -100]), { labelSmoothing: eps }).item()], [expected]);
    // the gradient of the mean is (softmax − one-hot)/count, zero for the ignored row
    const l = logits.clone().requireGrad();
    crossEntropy(l, Int32Array.from([1, 0, -100])).backward();
    assertClose(l.grad!.toArray(), [0.125, -0.125, -0.375, 0.375, 0, 0]);
    // every row ignored: a mean over nothing is NaN, as in PyTorch
    assert.ok(Number.isNaN(crossEntropy(logits, Int32Array.from([-100, -100, -100])).item()));
  });
});

test('crossEntropy: finite-difference gradients for every reduction, and clear errors', () => {
  forEachBackend(() => {
    const rng = new Rng(12);
    const targets = Int32Array.from([2, 0, -100, 4, 1, 3]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      for (const labelSmoothing of [0, 0.2]) {
        gradCheck((t) => crossEntropy(t!, targets, { reduction, labelSmoothing }), [randomTensor([2, 3, 5], rng, -2, 2)]);
      }
    }
    const logits = randomTensor([2, 3], rng);
    assert.throws(() => crossEntropy(logits, Int32Array.from([0, 3])), /crossEntropy: target 3 at row 1 is outside \[0, 3\)/);
    assert.throws(() => crossEntropy(logits, Int32Array.from([0, -1])), /target -1 at row 1 is outside/);
    assert.throws(() => crossEntropy(logits, Int32Array.from([0])), /crossEntropy: 1 targets for logits \[2, 3\], which hold 2 rows of 3 classes/);
    assert.throws(() => crossEntropy(logits, Int32Array.from([0, 1]), { labelSmoothing: 1.5 }), /labelSmoothing 1.5 must be in \[0, 1\]/);
  });
});

test('layerNorm: values by hand, with and without affine parameters, gradients for every input', () => {
  forEachBackend(() => {
    const x = tensor([[1, 2, 3], [-2, -2, -2]]);
    const r = 1 / Math.sqrt(2 / 3 + 1e-5);
    assertClose(layerNorm(x, null, null).toArray(), [-r, 0, r, 0, 0, 0], 1e-5, 1e-6);
    assertClose(layerNorm(x, tensor([1, 2, 3]), tensor([0, 0, 1])).toArray(), [-r, 0, 3 * r + 1, 0, 0, 1], 1e-5, 1e-6);
    const rng = new Rng(13);
    gradCheck((t, w, b) => layerNorm(t!, w!, b!), [randomTensor([2, 3, 5], rng), randomTensor([5], rng), randomTensor([5], rng)]);
    gradCheck((t) => layerNorm(t!, null, null, 1e-3), [randomTensor([4, 6], rng)]);
    gradCheck((t, w) => layerNorm(t!, w!, null), [randomTensor([3, 4], rng), randomTensor([4], rng)]);
    assert.throws(() => layerNorm(x, tensor([1, 2]), null), /layerNorm: weight \[2\] must be \[3\], the last dimension of input \[2, 3\]/);
  });
});

test('batchNorm2d: training statistics and running updates by hand, evaluation with running statistics', () => {
  forEachBackend(() => {
    // one channel, values 1, 2 | 3, 4: mean 2.5, biased variance 1.25, unbiased 5/3
    const x = tensor([1, 2, 3, 4], [2, 1, 1, 2]);
    const rm = zeros([1]);
    const rv = ones([1]);
    const y = batchNorm2d(x, rm, rv, null, null, { training: true });
    const r = 1 / Math.sqrt(1.25 + 1e-5);
    assertClose(y.toArray(), [-1.5 * r, -0.5 * r, 0.5 * r, 1.5 * r]);
    assertClose(rm.toArray(), [0.25]);
    assertClose(rv.toArray(), [0.9 + 0.1 * (5 / 3)]);
    const ye = batchNorm2d(x, rm, rv, tensor([2]), tensor([1]), { training: false, eps: 0 });
    const s = 2 / Math.sqrt(0.9 + 0.1 * (5 / 3));
    assertClose(ye.toArray(), [1, 2, 3, 4].map((v) => (v - 0.25) * s + 1), 1e-5, 1e-5);
    assertClose(rm.toArray(), [0.25]);
    // momentum 1 keeps only the last batch
    batchNorm2d(x, rm, rv, null, null, { training: true, momentum: 1 });
    assertClose(rv.toArray(), [5 / 3]);
  });
});

test('batchNorm2d: finite-difference gradients in training and evaluation, and clear errors', () => {
  forEachBackend(() => {
    const rng = new Rng(14);
    const params = (): Tensor[] => [randomTensor([2, 3, 2, 3], rng), randomTensor([3], rng), randomTensor([3], rng)];
    gradCheck((t, w, b) => batchNorm2d(t!, null, null, w!, b!, { training: true }), params(), { eps: 5e-3 });
    const rm = randomTensor([3], rng);
    const rv = randomTensor([3], rng, 0.5, 2);
    gradCheck((t, w, b) => batchNorm2d(t!, rm, rv, w!, b!, { training: false }), params());
    gradCheck((t) => batchNorm2d(t!, null, null, null, null, { training: true }), [randomTensor([3, 2, 2, 2], rng)], { eps: 5e-3 });
    const x = randomTensor([2, 3, 2, 2], rng);
    assert.throws(() => batchNorm2d(randomTensor([2, 3], rng), null, null, null, null, { training: true }), /batchNorm2d: input must be \[B, C, H, W\], got \[2, 3\]/);
    assert.throws(() => batchNorm2d(x, zeros([2]), ones([2]), null, null, { training: true }), /batchNorm2d: runningMean \[2\] must be \[3\]/);
    assert.throws(() => batchNorm2d(x, zeros([3]), null, null, null, { training: true }), /pass both runningMean and runningVar, or neither/);
    assert.throws(
      () => batchNorm2d(randomTensor([1, 3, 1, 1], rng), null, null, null, null, { training: true }),
      /training needs more than one value per channel, input \[1, 3, 1, 1\] has 1/,
    );
  });
});

test('embedding: rows by id, gradient scatter-adds repeated ids, clear error for a bad id', () => {
  forEachBackend(() => {
    const w = tensor([[1, 2], [3, 4], [5, 6]]).requireGrad();
    const y = embedding(w, Int32Array.from([2, 0, 2, 2]), [2, 2]);
    assert.deepEqual(y.shape, [2, 2, 2]);
    assert.deepEqual(y.toArray(), [5, 6, 1, 2, 5, 6, 5, 6]);
    sum(y).backward();
    assert.deepEqual(w.grad!.toArray(), [1, 1, 0, 0, 3, 3]);
    const rng = new Rng(15);
    gradCheck((t) => embedding(t!, Int32Array.from([1, 3, 1, 0, 2, 3]), [3, 2]), [randomTensor([4, 3], rng)]);
    assert.throws(() => embedding(w, Int32Array.from([0, 3]), [2]), /embedding: id 3 at position 1 is outside \[0, 3\) for weight \[3, 2\]/);
    assert.throws(() => embedding(w, Int32Array.from([0, 1, 2]), [2]), /embedding: 3 ids do not fill idsShape \[2\]/);
  });
});
