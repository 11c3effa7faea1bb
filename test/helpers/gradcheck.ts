/**
 * Finite-difference gradient check. The op's output is contracted with fixed
 * random weights into a scalar loss L; each input element is nudged by ±eps
 * and (L+ − L−)/2eps is compared with the analytic gradient.
 */
import assert from 'node:assert/strict';
import { Tensor, Rng, mul, sum, tensor } from '../../src/index.js';

export interface GradCheckOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Seed for the loss weights. */
  seed?: number;
}

export function gradCheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradCheckOptions = {}): void {
  const eps = opts.eps ?? 1e-2;
  const rtol = opts.rtol ?? 2e-2;
  const atol = opts.atol ?? 2e-3;
  for (const x of inputs) {
    x.requireGrad();
    x.grad = null;
  }
  const out0 = fn(...inputs);
  const rng = new Rng(opts.seed ?? 123);
  const w = tensor(Float32Array.from({ length: out0.size }, () => rng.uniform(-1, 1)), out0.shape);
  const lossOf = (): number => {
    const o = fn(...inputs.map((t) => t.detach()));
    let acc = 0;
    for (let i = 0; i < o.size; i++) acc += o.data[i]! * w.data[i]!;
    return acc;
  };
  sum(mul(out0, w)).backward();
  inputs.forEach((x, xi) => {
    assert.ok(x.grad, `input ${xi} got no gradient`);
    for (let i = 0; i < x.size; i++) {
      const orig = x.data[i]!;
      x.data[i] = orig + eps;
      const lp = lossOf();
      x.data[i] = orig - eps;
      const lm = lossOf();
      x.data[i] = orig;
      const numeric = (lp - lm) / (2 * eps);
      const analytic = x.grad.data[i]!;
      const tol = atol + rtol * Math.max(Math.abs(numeric), Math.abs(analytic));
      assert.ok(
        Math.abs(numeric - analytic) <= tol,
        `input ${xi} element ${i}: analytic ${analytic} vs numeric ${numeric} (tolerance ${tol.toExponential(2)})`,
      );
    }
  });
}

/** Asserts two arrays match within a relative and absolute tolerance. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6, what = 'values'): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    const tol = atol + rtol * Math.abs(e);
    if (!(Math.abs(a - e) <= tol)) assert.fail(`${what}[${i}]: ${a} vs expected ${e} (tolerance ${tol.toExponential(2)})`);
  }
}

/** Random tensor of a shape with values in [-1, 1). */
export function randomTensor(shape: number[], rng: Rng, lo = -1, hi = 1): Tensor {
  return tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(lo, hi)), shape);
}
