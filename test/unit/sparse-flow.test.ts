import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, mul, sum, tensor, ones, ShapeError, ArgumentError, type Tensor } from '../../src/index.js';
import { steWeight } from '../../src/sparse/flow/ste.js';
import { srsteWeight } from '../../src/sparse/flow/srste.js';
import { maskDecayWeight } from '../../src/sparse/flow/mask-decay.js';
import { bdwpLinear } from '../../src/sparse/flow/bdwp-linear.js';
import { nmMask } from '../../src/sparse/masks/nm-mask.js';
import { assertClose, gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { forEachBackend } from '../helpers/backends.js';

// Loss Σ c·wEff, so dL/dwEff = c and the flows' rules can be read off directly.
const c = tensor([1, 2, 3, 4]);
const weight = (): Tensor => tensor([1, -2, 3, -4]).requireGrad();
const mask = tensor([1, 0, 0, 1]);

test('ste: hard mask forward, gradient straight through to every weight', () => {
  const w = weight();
  const y = steWeight(w, mask);
  assert.deepEqual(y.toArray(), [1, -0, 0, -4]);
  sum(mul(y, c)).backward();
  assert.deepEqual(w.grad!.toArray(), [1, 2, 3, 4]);
});

test('srste: the weight gradient is g + λ(1 − mask)W', () => {
  const w = weight();
  const y = srsteWeight(w, mask, 0.5);
  assert.deepEqual(y.toArray(), [1, -0, 0, -4]);
  sum(mul(y, c)).backward();
  // pruned entries 1 and 2: 2 + 0.5·(−2) = 1 and 3 + 0.5·3 = 4.5; kept ones unchanged
  assert.deepEqual(w.grad!.toArray(), [1, 1, 4.5, 4]);
  const w2 = weight();
  sum(mul(srsteWeight(w2, mask), c)).backward();
  assertClose(w2.grad!.data, [1, 2 - 2 * 2e-4, 3 + 3 * 2e-4, 4], 0, 1e-7, 'default λ = 2e-4');
  assert.throws(() => srsteWeight(w, mask, -1), (e: Error) => e instanceof ArgumentError && /λ = -1/.test(e.message));
});

test('mdgf: forward W·(mask + (1 − mask)β), gradient straight through and not scaled by β', () => {
  const w = weight();
  const y = maskDecayWeight(w, mask, 0.25);
  assert.deepEqual(y.toArray(), [1, -0.5, 0.75, -4]);
  sum(mul(y, c)).backward();
  assert.deepEqual(w.grad!.toArray(), [1, 2, 3, 4]);
  assert.deepEqual(maskDecayWeight(weight(), mask, 0).toArray(), [1, -0, 0, -4]);
  assert.deepEqual(maskDecayWeight(weight(), mask, 1).toArray(), [1, -2, 3, -4]);
  assert.throws(() => maskDecayWeight(weight(), mask, 1.5), /β = 1.5 must lie in \[0, 1\]/);
  // With β = 1 the function is the identity, so its gradient is exact: finite differences agree.
  const rng = new Rng(4);
  const m = nmMask(randomTensor([4, 8], rng), { n: 2, m: 4 });
  gradCheck((t) => maskDecayWeight(t!, m, 1), [randomTensor([4, 8], rng)]);
});

test('flows reject a mask of another shape', () => {
  assert.throws(() => steWeight(weight(), tensor([1, 0])), (e: Error) => e instanceof ShapeError && /mask \[2\] does not match weight \[4\]/.test(e.message));
  assert.throws(() => srsteWeight(weight(), tensor([1, 0])), ShapeError);
  assert.throws(() => maskDecayWeight(weight(), tensor([1, 0]), 0.5), ShapeError);
});

test('bdwp: forward with the N:M mask of W, input gradient with the N:M mask of Wᵀ, dense weight gradient', () => {
  forEachBackend(() => {
    const w = tensor([
      [1, -3],
      [4, 5],
    ]).requireGrad();
    const fwd = nmMask(w, { n: 1, m: 2 }); // rows: keep |−3| and |5| → [[0, 1], [0, 1]]
    const bwd = nmMask(w, { n: 1, m: 2, axis: 'output' }); // columns: keep 4 (col 0) and 5 (col 1) → [[0, 0], [1, 1]]
    assert.deepEqual(fwd.toArray(), [0, 1, 0, 1]);
    assert.deepEqual(bwd.toArray(), [0, 0, 1, 1]);
    const x = tensor([[1, 2]]).requireGrad();
    const b = tensor([0.5, -1]).requireGrad();
    const y = bdwpLinear(x, w, b, fwd, bwd);
    // y = x·[[0, −3], [0, 5]]ᵀ + b = [2·(−3) + 0.5, 2·5 − 1]
    assert.deepEqual(y.toArray(), [-5.5, 9]);
    sum(mul(y, tensor([[1, 2]]))).backward();
    // dX = g·(W·bwd) = [1, 2]·[[0, 0], [4, 5]] = [8, 10]; the forward-masked weight would give [0, 7], the dense one [9, 7]
    assert.deepEqual(x.grad!.toArray(), [8, 10]);
    // dW = gᵀ·x, dense: [[1, 2], [2, 4]]
    assert.deepEqual(w.grad!.toArray(), [1, 2, 2, 4]);
    assert.deepEqual(b.grad!.toArray(), [1, 2]);
  });
});

test('bdwp with all-ones masks is a plain linear layer: finite differences agree, leading dims kept', () => {
  forEachBackend(() => {
    const rng = new Rng(5);
    const allOnes = ones([3, 4]);
    gradCheck((x, w, b) => bdwpLinear(x!, w!, b!, allOnes, allOnes), [randomTensor([2, 5, 4], rng), randomTensor([3, 4], rng), randomTensor([3], rng)]);
    gradCheck((x, w) => bdwpLinear(x!, w!, null, allOnes, allOnes), [randomTensor([7, 4], rng), randomTensor([3, 4], rng)]);
    const y = bdwpLinear(randomTensor([2, 5, 4], rng), randomTensor([3, 4], rng), null, allOnes, allOnes);
    assert.deepEqual(y.shape, [2, 5, 3]);
    // With equal masks dX is exact too (the product only sees W·mask).
    const w = randomTensor([4, 8], rng);
    const m = nmMask(w, { n: 1, m: 4 });
    gradCheck((x) => bdwpLinear(x!, w, null, m, m), [randomTensor([3, 8], rng)]);
  });
});

test('bdwp checks shapes', () => {
  const w = tensor(new Float32Array(6), [2, 3]);
  const m = ones([2, 3]);
  assert.throws(() => bdwpLinear(tensor(new Float32Array(4), [1, 4]), w, null, m, m), /bdwpLinear: input \[1, 4\] and weight \[2, 3\] do not fit/);
  assert.throws(() => bdwpLinear(tensor(new Float32Array(3), [1, 3]), w, tensor([1, 2, 3]), m, m), /bias \[3\] must be \[2\]/);
  assert.throws(() => bdwpLinear(tensor(new Float32Array(3), [1, 3]), w, null, m, ones([3, 2])), /backward mask/);
});
