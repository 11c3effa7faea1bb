import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Rng,
  arange,
  concat,
  dropout,
  maskedFill,
  ones,
  permute,
  reshape,
  slice,
  sum,
  tensor,
  transpose,
  where,
  zeros,
} from '../../src/index.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { forEachBackend } from '../helpers/backends.js';

test('transpose and permute: hand-computed values and index rule', () => {
  forEachBackend(() => {
    const t = transpose(tensor([[1, 2, 3], [4, 5, 6]]));
    assert.deepEqual(t.shape, [3, 2]);
    assert.deepEqual(t.toArray(), [1, 4, 2, 5, 3, 6]);
    // x[i, j, k] = 12i + 4j + k, so y = permute(x, [2, 0, 1]) has y[k, i, j] = 12i + 4j + k
    const x = reshape(arange(24), [2, 3, 4]);
    const y = permute(x, [2, 0, 1]);
    assert.deepEqual(y.shape, [4, 2, 3]);
    for (let k = 0; k < 4; k++) for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) assert.equal(y.data[(k * 2 + i) * 3 + j], 12 * i + 4 * j + k);
    assert.deepEqual(permute(x, [-1, 0, -2]).toArray(), y.toArray());
    assert.deepEqual(transpose(x, 0, 2).shape, [4, 3, 2]);
    assert.equal(transpose(x, 0, 2).data[(3 * 3 + 1) * 2 + 1], 12 + 4 + 3);
    assert.deepEqual(permute(tensor(5, []), []).toArray(), [5]);
  });
});

test('permute on awkward shapes matches the index rule', () => {
  forEachBackend(() => {
    const rng = new Rng(2);
    for (const [a, b, c] of [[1, 3, 7], [33, 1, 3], [7, 33, 1], [3, 1023, 1]] as Array<[number, number, number]>) {
      const x = randomTensor([a, b, c], rng);
      const y = permute(x, [1, 2, 0]);
      assert.deepEqual(y.shape, [b, c, a]);
      let bad = 0;
      for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) for (let k = 0; k < c; k++) if (y.data[(j * c + k) * a + i] !== x.data[(i * b + j) * c + k]) bad++;
      assert.equal(bad, 0, `[${a}, ${b}, ${c}]`);
    }
  });
});

test('slice: values, negative indices, empty ranges', () => {
  forEachBackend(() => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(slice(x, 1, 1).toArray(), [2, 3, 5, 6]);
    assert.deepEqual(slice(x, -1, 0, -1).toArray(), [1, 2, 4, 5]);
    assert.deepEqual(slice(x, 0, 1, 2).toArray(), [4, 5, 6]);
    assert.deepEqual(slice(x, 1, -2, 3).shape, [2, 2]);
    assert.deepEqual(slice(x, 1, 2, 2).shape, [2, 0]);
    const g = tensor([[1, 2, 3], [4, 5, 6]]).requireGrad();
    slice(g, 1, 1, 2).backward(tensor([[10], [20]]));
    assert.deepEqual(g.grad!.toArray(), [0, 10, 0, 0, 20, 0]);
  });
});

test('concat: values along first, middle and last axes', () => {
  forEachBackend(() => {
    const c0 = concat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])], 0);
    assert.deepEqual(c0.shape, [3, 2]);
    assert.deepEqual(c0.toArray(), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(concat([tensor([[1], [2]]), tensor([[3], [4]])], -1).toArray(), [1, 3, 2, 4]);
    const a = reshape(arange(4), [2, 1, 2]);
    const b = reshape(arange(4, 16), [2, 3, 2]);
    const c = concat([a, b, zeros([2, 0, 2])], 1);
    assert.deepEqual(c.shape, [2, 4, 2]);
    assert.deepEqual(c.toArray(), [0, 1, 4, 5, 6, 7, 8, 9, 2, 3, 10, 11, 12, 13, 14, 15]);
    assert.deepEqual(concat([tensor([7])], 0).toArray(), [7]);
  });
});

test('where and maskedFill: values with broadcasting', () => {
  forEachBackend(() => {
    assert.deepEqual(where(tensor([1, 0, 1]), tensor([1, 2, 3]), tensor([-1])).toArray(), [1, -1, 3]);
    // cond [2, 1], a [3], b [] -> [2, 3]; NaN counts as true
    const w = where(tensor([[0], [NaN]]), tensor([1, 2, 3]), tensor(9, []));
    assert.deepEqual(w.shape, [2, 3]);
    assert.deepEqual(w.toArray(), [9, 9, 9, 1, 2, 3]);
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(maskedFill(x, tensor([[0, 1, 0]]), -Infinity).toArray(), [1, -Infinity, 3, 4, -Infinity, 6]);
    assert.deepEqual(maskedFill(x, tensor([[1], [0]]), 0.5).toArray(), [0.5, 0.5, 0.5, 4, 5, 6]);
    // gradients: where's a gets g where cond holds, summed over broadcast rows; maskedFill stops it where it filled
    const a = tensor([1, 2, 3]).requireGrad();
    const b = tensor([0]).requireGrad();
    sum(where(tensor([[1, 0, 1], [1, 1, 0]]), a, b)).backward();
    assert.deepEqual(a.grad!.toArray(), [2, 1, 1]);
    assert.deepEqual(b.grad!.toArray(), [2]);
  });
});

test('dropout: inverted scaling, seeded determinism, identity cases', () => {
  forEachBackend(() => {
    const x = ones([100, 100]);
    const y = dropout(x, 0.3, new Rng(11));
    assert.deepEqual(dropout(x, 0.3, new Rng(11)).toArray(), y.toArray(), 'same seed, same mask');
    assert.notDeepEqual(dropout(x, 0.3, new Rng(12)).toArray(), y.toArray());
    const scale = Math.fround(1 / 0.7);
    let kept = 0;
    for (const v of y.data) {
      if (v !== 0) {
        assert.equal(v, scale);
        kept++;
      }
    }
    // binomial(10000, 0.7): standard deviation 46, so ±230 is five of them
    assert.ok(Math.abs(kept - 7000) < 230, `kept ${kept} of 10000`);
    assert.equal(dropout(x, 0.3, new Rng(1), false), x);
    assert.equal(dropout(x, 0, new Rng(1)), x);
    assert.ok(dropout(x, 1, new Rng(1)).data.every((v) => v === 0));
    const g = tensor([1, 2, 3, 4]).requireGrad();
    const out = dropout(g, 0.5, new Rng(3));
    sum(out).backward();
    assert.deepEqual(g.grad!.toArray(), out.toArray().map((v, i) => v / (i + 1)));
  });
});

test('shape ops: finite-difference gradients', () => {
  forEachBackend(() => {
    const rng = new Rng(6);
    gradCheck((x) => transpose(x), [randomTensor([2, 3, 4], rng)]);
    gradCheck((x) => permute(x, [2, 0, 1]), [randomTensor([2, 3, 4], rng)]);
    gradCheck((x) => slice(x, 1, 1, -1), [randomTensor([2, 5, 3], rng)]);
    gradCheck((a, b, c) => concat([a, b, c], 1), [randomTensor([2, 1, 3], rng), randomTensor([2, 4, 3], rng), randomTensor([2, 2, 3], rng)]);
    const cond = tensor([[1, 0, 1], [0, 0, 1]]);
    gradCheck((a, b) => where(cond, a, b), [randomTensor([3], rng), randomTensor([2, 1], rng)]);
    gradCheck((x) => maskedFill(x, tensor([0, 1, 1, 0]), 2), [randomTensor([3, 4], rng)]);
    gradCheck((x) => dropout(x, 0.4, new Rng(8)), [randomTensor([3, 5], rng)]);
  });
});

test('shape ops: bad input is an error that names the op, shapes and fix', () => {
  forEachBackend(() => {
    const x = zeros([2, 3]);
    assert.throws(() => transpose(zeros([4])), /transpose: axis -2 is out of range for a tensor with 1 dimensions/);
    assert.throws(() => permute(x, [0]), /permute: dims \[0\] must name each of the 2 axes of \[2, 3\] exactly once/);
    assert.throws(() => permute(x, [1, -1]), /permute: dims \[1, -1\] must name each of the 2 axes/);
    assert.throws(() => permute(x, [0, 2]), /permute: axis 2 is out of range/);
    assert.throws(() => slice(x, 1, 0, 5), /slice: range \[0, 5\) does not fit axis 1 \(size 3\) of \[2, 3\]; use integers with 0 <= start <= end <= 3/);
    assert.throws(() => slice(x, 1, 2, 1), /slice: range \[2, 1\) does not fit axis 1/);
    assert.throws(() => slice(x, 0, -3), /slice: range \[-3, 2\) does not fit axis 0 \(size 2\)/);
    assert.throws(() => slice(x, 2, 0, 1), /slice: axis 2 is out of range for a tensor with 2 dimensions/);
    assert.throws(() => slice(x, 1, 0.5, 2), /slice: range \[0\.5, 2\) does not fit/);
    assert.throws(() => concat([x, zeros([2, 4])], 0), /concat: tensor 1 has shape \[2, 4\] but tensor 0 has \[2, 3\]; all must match except along axis 0/);
    assert.throws(() => concat([x, zeros([2, 3, 1])], 1), /concat: tensor 1 has shape \[2, 3, 1\]/);
    assert.throws(() => concat([], 0), /concat: needs at least one tensor/);
    assert.throws(() => concat([x], 2), /concat: axis 2 is out of range/);
    assert.throws(() => where(zeros([2]), x, zeros([3])), /where: cond \[2\], a \[2, 3\] and b \[3\] do not broadcast together/);
    assert.throws(() => maskedFill(zeros([3]), x, 0), /maskedFill: mask \[2, 3\] must broadcast to x \[3\] without growing it/);
    assert.throws(() => maskedFill(x, zeros([2]), 0), /maskedFill: shapes \[2\] and \[2, 3\] do not broadcast/);
    assert.throws(() => dropout(x, 1.5, new Rng(0)), /dropout: p = 1\.5 must be a probability in \[0, 1\]/);
    assert.throws(() => dropout(x, NaN, new Rng(0)), /dropout: p = NaN must be a probability/);
  });
});
