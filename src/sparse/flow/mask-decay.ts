/**
 * MDGF, mask-decay gradient flow (Bambhaniya et al. 2024, "Progressive
 * Gradient Flow for Robust N:M Sparsity Training in Transformers"): the
 * forward weight is W·(mask + (1 − mask)·β), pruned weights fading out as β
 * falls from 1 to 0; the gradient with respect to this effective weight passes
 * straight to the dense W, not scaled by β (as in the paper's reference code).
 *
 * @example
 * const beta = maskDecayFactor(stepsSinceSparse, { type: 'exp', coef: 2e-4 });
 * const wEff = maskDecayWeight(weight, mask, beta);
 */
import { defineFunction } from '../../autograd/function.js';
import { Tensor } from '../../tensor/tensor.js';
import { ArgumentError } from '../../util/errors.js';
import { checkMaskFits } from './mask-check.js';

/** W·(mask + (1 − mask)·β) forward; identity backward to W. */
export function maskDecayWeight(w: Tensor, mask: Tensor, beta: number): Tensor {
  checkMaskFits(w, mask, 'maskDecayWeight');
  if (!(beta >= 0 && beta <= 1)) {
    throw new ArgumentError(`maskDecayWeight: decay factor β = ${beta} must lie in [0, 1] (1 = dense, 0 = hard mask)`);
  }
  const fn = defineFunction({
    name: 'mdgf',
    forward: (_ctx, wt: Tensor, mk: Tensor) => {
      const out = new Float32Array(wt.size);
      for (let i = 0; i < out.length; i++) {
        const k = mk.data[i]!;
        out[i] = wt.data[i]! * (k + (1 - k) * beta);
      }
      return new Tensor(out, wt.shape);
    },
    backward: (_ctx, g) => [g, null],
  });
  return fn(w, mask);
}
