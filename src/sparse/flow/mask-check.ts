/** Shared argument check of the gradient flows: the mask must match the weight. */
import type { Tensor } from '../../tensor/tensor.js';
import { ShapeError, fmtShape } from '../../util/errors.js';
import { sameShape } from '../../util/shape.js';

export function checkMaskFits(w: Tensor, mask: Tensor, op: string): void {
  if (!sameShape(w.shape, mask.shape)) {
    throw new ShapeError(`${op}: mask ${fmtShape(mask.shape)} does not match weight ${fmtShape(w.shape)}; compute the mask from this weight (nmMask(weight, ...))`);
  }
}
