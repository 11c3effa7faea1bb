/**
 * SR-STE, sparse-refined straight-through estimator (Zhou et al. 2021,
 * "Learning N:M Fine-grained Structured Sparse Neural Networks From Scratch"):
 * forward W·mask; backward g + λ·(1 − mask)·W, which pulls pruned weights
 * towards zero so the mask settles.
 *
 * @example
 * const wEff = srsteWeight(weight, mask, 2e-4);
 */
import { defineFunction } from '../../autograd/function.js';
import { Tensor } from '../../tensor/tensor.js';
import { ArgumentError } from '../../util/errors.js';
import { checkMaskFits } from './mask-check.js';

/** SR-STE's default λ, as in the paper and the progressive-gradient-flow code. */
export const SRSTE_DEFAULT_LAMBDA = 2e-4;

/** W·mask forward; backward to W is g + λ·(1 − mask)·W. */
export function srsteWeight(w: Tensor, mask: Tensor, lambda = SRSTE_DEFAULT_LAMBDA): Tensor {
  checkMaskFits(w, mask, 'srsteWeight');
  if (!Number.isFinite(lambda) || lambda < 0) {
    throw new ArgumentError(`srsteWeight: λ = ${lambda} must be a finite number >= 0 (the default is ${SRSTE_DEFAULT_LAMBDA})`);
  }
  const fn = defineFunction({
    name: 'srste',
    forward: (_ctx, wt: Tensor, mk: Tensor) => {
      const out = new Float32Array(wt.size);
      for (let i = 0; i < out.length; i++) out[i] = wt.data[i]! * mk.data[i]!;
      return new Tensor(out, wt.shape);
    },
    backward: (_ctx, g) => {
      const out = new Float32Array(g.size);
      const wd = w.data;
      const md = mask.data;
      for (let i = 0; i < out.length; i++) out[i] = g.data[i]! + lambda * (1 - md[i]!) * wd[i]!;
      return [new Tensor(out, w.shape), null];
    },
  });
  return fn(w, mask);
}
