import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Rng,
  abs,
  addScalar,
  exp,
  gelu,
  log,
  mulScalar,
  pow,
  relu,
  sigmoid,
  silu,
  sqrt,
  sum,
  tanh,
  tensor,
  type Tensor,
} from '../../src/index.js';
import { erf, erfc } from '../../src/kernels/ref/erf.js';
import { assertClose, gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { forEachBackend } from '../helpers/backends.js';

/** Random values with |x| in [0.2, 1] and random sign: away from the kinks of relu and abs. */
function awayFromZero(shape: number[], rng: Rng): Tensor {
  const t = randomTensor(shape, rng, 0.2, 1);
  for (let i = 0; i < t.size; i++) if (rng.uniform() < 0.5) t.data[i] = -t.data[i]!;
  return t;
}

test('erf and erfc match tabulated values, tails included', () => {
  // Abramowitz & Stegun table 7.1 and the tail of erfc to 16 digits.
  const erfTable: Array<[number, number]> = [[0, 0], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527], [-1.5, -0.9661051464753108], [6, 1]];
  for (const [x, want] of erfTable) assert.ok(Math.abs(erf(x) - want) <= 1e-15, `erf(${x}) = ${erf(x)}, want ${want}`);
  const erfcTable: Array<[number, number]> = [[1.9, 0.0072095707647425325], [2, 0.004677734981047265], [3, 2.2090496998585438e-5], [5, 1.5374597944280351e-12], [10, 2.088487583762545e-45], [-2, 1.9953222650189528]];
  for (const [x, want] of erfcTable) assert.ok(Math.abs(erfc(x) / want - 1) <= 1e-13, `erfc(${x}) = ${erfc(x)}, want ${want}`);
  assert.ok(Number.isNaN(erf(NaN)) && Number.isNaN(erfc(NaN)));
  assert.equal(erfc(Infinity), 0);
});

test('unary ops: values worked out by hand, domain edges', () => {
  forEachBackend(() => {
    assertClose(exp(tensor([0, 1, -1])).toArray(), [1, Math.E, 1 / Math.E]);
    const l = log(tensor([1, Math.E, 0, -1])).toArray();
    assertClose(l.slice(0, 2), [0, 1]);
    assert.equal(l[2], -Infinity);
    assert.ok(Number.isNaN(l[3]!));
    const r = sqrt(tensor([4, 2, 0, -1])).toArray();
    assertClose(r.slice(0, 3), [2, Math.SQRT2, 0]);
    assert.ok(Number.isNaN(r[3]!));
    assert.deepEqual(abs(tensor([-2, 0, 3.5])).toArray(), [2, 0, 3.5]);
    assert.deepEqual(relu(tensor([-1, 0, 2])).toArray(), [0, 0, 2]);
    // σ(1) = 1/(1 + e⁻¹); silu(−2) = −2·σ(−2)
    assertClose(sigmoid(tensor([0, 1])).toArray(), [0.5, 0.7310585786300049]);
    assertClose(silu(tensor([0, 1, -2])).toArray(), [0, 0.7310585786300049, -0.2384058440442351]);
    assertClose(tanh(tensor([0, 1, -1])).toArray(), [0, 0.7615941559557649, -0.7615941559557649]);
    // large |x|: no overflow to NaN
    const s = sigmoid(tensor([-1000, -100, 1000])).toArray();
    assert.deepEqual([s[0], s[2]], [0, 1]);
    assert.ok(s[1]! > 0 && s[1]! < 1e-43, `sigmoid(-100) = ${s[1]}`);
    assert.deepEqual(silu(tensor([-1000])).toArray(), [-0]);
  });
});

test('gelu: exact (erf) form and tanh form against the normal CDF', () => {
  forEachBackend(() => {
    // x·Φ(x) with Φ(1) = 0.8413447460685429, Φ(2) = 0.9772498680518208, Φ(−3) = 0.0013498980316300946, Φ(−10) = 7.619853024160526e-24
    const y = gelu(tensor([1, -1, 2, -3, 0, -10])).toArray();
    assertClose(y, [0.8413447460685429, -0.15865525393145707, 1.9544997361036416, -0.004049694094890284, 0, -7.619853024160526e-23], 1e-6, 0);
    assertClose(gelu(tensor([1]), { approximate: 'none' }).toArray(), [0.8413447]);
    // tanh form: 0.5·(1 + tanh(√(2/π)·(1 + 0.044715))) = 0.8411920
    assertClose(gelu(tensor([1]), { approximate: 'tanh' }).toArray(), [0.841192], 1e-6);
    const xs = [-3, -0.5, 0.25, 2.5];
    const k = Math.sqrt(2 / Math.PI);
    assertClose(gelu(tensor(xs), { approximate: 'tanh' }).toArray(), xs.map((x) => 0.5 * x * (1 + Math.tanh(k * (x + 0.044715 * x ** 3)))));
    assert.throws(() => gelu(tensor([1]), { approximate: 'fast' as 'tanh' }), /gelu: approximate must be 'none' or 'tanh', got "fast"/);
  });
});

test('scalar ops and pow: values, exponent edge cases, bad numbers', () => {
  forEachBackend(() => {
    assert.deepEqual(addScalar(tensor([1, 2]), 0.5).toArray(), [1.5, 2.5]);
    assert.deepEqual(mulScalar(tensor([1, -2]), -3).toArray(), [-3, 6]);
    assert.deepEqual(pow(tensor([2, 3, -2]), 2).toArray(), [4, 9, 4]);
    assert.deepEqual(pow(tensor([-2]), 3).toArray(), [-8]);
    assert.deepEqual(pow(tensor([4, 0.25]), -0.5).toArray(), [0.5, 2]);
    assert.ok(Number.isNaN(pow(tensor([-8]), 1 / 3).item()));
    assert.deepEqual(pow(tensor([0, 5]), 0).toArray(), [1, 1]);
    // p = 0: the gradient is 0 everywhere, not 0·0⁻¹ = NaN at x = 0
    const x = tensor([0, 5]).requireGrad();
    sum(pow(x, 0)).backward();
    assert.deepEqual(x.grad!.toArray(), [0, 0]);
    const z = tensor([0]).requireGrad();
    sum(pow(z, 2)).backward();
    assert.deepEqual(z.grad!.toArray(), [0]);
    assert.throws(() => pow(tensor([1]), NaN), /pow: the number must be finite, got NaN/);
    assert.throws(() => mulScalar(tensor([1]), Infinity), /mulScalar: the number must be finite, got Infinity/);
    assert.throws(() => addScalar(tensor([1]), -Infinity), /addScalar: the number must be finite/);
  });
});

test('unary and scalar ops: finite-difference gradients', () => {
  forEachBackend(() => {
    const rng = new Rng(5);
    const shape = [3, 7];
    gradCheck((x) => exp(x), [randomTensor(shape, rng)]);
    gradCheck((x) => log(x), [randomTensor(shape, rng, 0.5, 2)]);
    gradCheck((x) => sqrt(x), [randomTensor(shape, rng, 0.5, 2)]);
    gradCheck((x) => abs(x), [awayFromZero(shape, rng)]);
    gradCheck((x) => relu(x), [awayFromZero(shape, rng)]);
    gradCheck((x) => gelu(x), [randomTensor(shape, rng, -3, 3)]);
    gradCheck((x) => gelu(x, { approximate: 'tanh' }), [randomTensor(shape, rng, -3, 3)]);
    gradCheck((x) => silu(x), [randomTensor(shape, rng, -3, 3)]);
    gradCheck((x) => sigmoid(x), [randomTensor(shape, rng, -3, 3)]);
    gradCheck((x) => tanh(x), [randomTensor(shape, rng, -2, 2)]);
    gradCheck((x) => pow(x, 3), [randomTensor(shape, rng)]);
    gradCheck((x) => pow(x, -0.5), [randomTensor(shape, rng, 0.5, 2)]);
    gradCheck((x) => pow(x, 2.5), [randomTensor(shape, rng, 0.5, 2)]);
    gradCheck((x) => mulScalar(x, -1.5), [randomTensor(shape, rng)]);
    gradCheck((x) => addScalar(x, 0.25), [randomTensor(shape, rng)]);
    // composed: the rules chain through the tape
    gradCheck((x) => mulScalar(tanh(exp(x)), 2), [randomTensor([4], rng)]);
  });
});

test('unary ops on awkward lengths agree with Math, elementwise', () => {
  forEachBackend(() => {
    const rng = new Rng(9);
    for (const n of [1, 3, 7, 33, 1023]) {
      const x = randomTensor([n], rng, -4, 4);
      const xs = x.toArray();
      assertClose(exp(x).toArray(), xs.map(Math.exp), 1e-6, 0, `exp n=${n}`);
      assertClose(tanh(x).toArray(), xs.map(Math.tanh), 1e-6, 1e-7, `tanh n=${n}`);
      assertClose(sigmoid(x).toArray(), xs.map((v) => 1 / (1 + Math.exp(-v))), 1e-6, 1e-7, `sigmoid n=${n}`);
      assertClose(relu(x).toArray(), xs.map((v) => Math.max(v, 0)), 0, 0, `relu n=${n}`);
    }
  });
});
