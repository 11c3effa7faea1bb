import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, arange, max, mean, reshape, tensor, zeros, type Tensor } from '../../src/index.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { forEachBackend } from '../helpers/backends.js';

/** Distinct values 0.1 apart in a shuffled order: no ties, and no nudge of ±eps can change an arg-max. */
function distinct(shape: number[], rng: Rng): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const p = rng.permutation(n);
  return tensor(Float32Array.from(p, (v) => (v - n / 2) * 0.1), shape);
}

test('mean: hand-computed values over one, several and all axes', () => {
  forEachBackend(() => {
    const x = tensor([[1, 2], [3, 6]]);
    assert.deepEqual(mean(x, { axis: 1 }).toArray(), [1.5, 4.5]);
    assert.deepEqual(mean(x, { axis: 0 }).toArray(), [2, 4]);
    assert.equal(mean(x).item(), 3);
    assert.deepEqual(mean(x).shape, []);
    const k = mean(x, { axis: -1, keepDims: true });
    assert.deepEqual(k.shape, [2, 1]);
    assert.deepEqual(k.toArray(), [1.5, 4.5]);
    // x[i, j, k] = 12i + 4j + k; the mean over i and k is 6 + 4j + 1.5
    const a = reshape(arange(24), [2, 3, 4]);
    const m = mean(a, { axis: [0, 2] });
    assert.deepEqual(m.shape, [3]);
    assert.deepEqual(m.toArray(), [7.5, 11.5, 15.5]);
    assert.ok(Number.isNaN(mean(zeros([0])).item()), 'the mean of nothing is NaN');
  });
});

test('max: hand-computed values, NaN, keepDims, scattered axes', () => {
  forEachBackend(() => {
    const x = tensor([[1, 5], [7, 2]]);
    assert.deepEqual(max(x, { axis: 1 }).toArray(), [5, 7]);
    assert.deepEqual(max(x, { axis: 0 }).toArray(), [7, 5]);
    assert.equal(max(x).item(), 7);
    assert.deepEqual(max(x, { axis: 0, keepDims: true }).shape, [1, 2]);
    assert.deepEqual(max(tensor([-3, -1, -2])).toArray(), [-1]);
    assert.ok(Number.isNaN(max(tensor([1, NaN, 5])).item()));
    // x[i, j, k] = 12i + 4j + k; the max over i and k is at (1, j, 3) = 15 + 4j
    const a = reshape(arange(24), [2, 3, 4]).requireGrad();
    const m = max(a, { axis: [0, 2] });
    assert.deepEqual(m.toArray(), [15, 19, 23]);
    m.backward(tensor([1, 2, 3]));
    const want = new Array<number>(24).fill(0);
    for (let j = 0; j < 3; j++) want[12 + 4 * j + 3] = j + 1;
    assert.deepEqual(a.grad!.toArray(), want);
  });
});

test('max: the gradient goes whole to the first of tied maxima', () => {
  forEachBackend(() => {
    const x = tensor([[3, 1, 3], [2, 2, 0]]).requireGrad();
    max(x, { axis: 1 }).backward(tensor([10, 20]));
    assert.deepEqual(x.grad!.toArray(), [10, 0, 0, 20, 0, 0]);
  });
});

test('max over every axis choice and awkward lengths matches a brute-force scan', () => {
  forEachBackend(() => {
    const rng = new Rng(3);
    for (const n of [1, 3, 7, 33, 1023]) {
      const x = randomTensor([2, n, 3], rng);
      for (const axis of [0, 1, 2, [0, 2], [0, 1], [1, 2]]) {
        const axes = typeof axis === 'number' ? [axis] : axis;
        const shape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
        const want = new Float32Array(shape[0]! * shape[1]! * shape[2]!).fill(-Infinity);
        for (let i = 0; i < 2; i++) {
          for (let j = 0; j < n; j++) {
            for (let k = 0; k < 3; k++) {
              const o = ((axes.includes(0) ? 0 : i) * shape[1]! + (axes.includes(1) ? 0 : j)) * shape[2]! + (axes.includes(2) ? 0 : k);
              want[o] = Math.max(want[o]!, x.data[(i * n + j) * 3 + k]!);
            }
          }
        }
        assert.deepEqual(max(x, { axis, keepDims: true }).toArray(), Array.from(want), `n=${n} axis=${JSON.stringify(axis)}`);
      }
    }
  });
});

test('mean and max: finite-difference gradients', () => {
  forEachBackend(() => {
    const rng = new Rng(4);
    gradCheck((x) => mean(x), [randomTensor([3, 4], rng)]);
    gradCheck((x) => mean(x, { axis: 1, keepDims: true }), [randomTensor([2, 3, 4], rng)]);
    gradCheck((x) => mean(x, { axis: [0, 2] }), [randomTensor([2, 3, 4], rng)]);
    gradCheck((x) => max(x), [distinct([3, 4], rng)]);
    gradCheck((x) => max(x, { axis: -1 }), [distinct([2, 3, 5], rng)]);
    gradCheck((x) => max(x, { axis: [0, 2], keepDims: true }), [distinct([2, 3, 4], rng)]);
    gradCheck((x) => max(x, { axis: 1 }), [distinct([4, 7], rng)]);
  });
});

test('reductions: a bad or empty axis is an error that names the op and the fix', () => {
  forEachBackend(() => {
    const x = zeros([2, 3]);
    assert.throws(() => mean(x, { axis: 2 }), /mean: axis 2 is out of range for a tensor with 2 dimensions \(use -2\.\.1\)/);
    assert.throws(() => max(x, { axis: -3 }), /max: axis -3 is out of range for a tensor with 2 dimensions/);
    assert.throws(() => max(zeros([0, 3]), { axis: 0 }), /max: axis 0 of \[0, 3\] is empty and an empty max has no value/);
    assert.deepEqual(max(zeros([0, 3]), { axis: 1 }).shape, [0]);
  });
});
