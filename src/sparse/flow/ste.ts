/**
 * Straight-through estimator for a hard mask: the forward weight is W·mask,
 * and the gradient with respect to it reaches every dense weight unchanged.
 * Shapes: w and mask share any shape (mask holds 0/1).
 *
 * @example
 * const wEff = steWeight(weight, nmMask(weight, { n: 2, m: 4 }));
 */
import { defineFunction } from '../../autograd/function.js';
import { Tensor } from '../../tensor/tensor.js';
import { checkMaskFits } from './mask-check.js';

const ste = defineFunction({
  name: 'ste',
  forward: (_ctx, w: Tensor, mask: Tensor) => {
    const out = new Float32Array(w.size);
    for (let i = 0; i < out.length; i++) out[i] = w.data[i]! * mask.data[i]!;
    return new Tensor(out, w.shape);
  },
  backward: (_ctx, g) => [g, null],
});

/** W·mask forward; identity backward to W (the mask gets no gradient). */
export function steWeight(w: Tensor, mask: Tensor): Tensor {
  checkMaskFits(w, mask, 'steWeight');
  return ste(w, mask);
}
