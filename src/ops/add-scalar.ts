import { ScalarOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { applyScalar } from './scalar-op.js';

/**
 * x + s for a finite number s. d/dx = g.
 *
 * @example
 * addScalar(tensor([1, 2]), 0.5).toArray(); // [1.5, 2.5]
 */
export function addScalar(x: Tensor, s: number): Tensor {
  return applyScalar(ScalarOp.add, 'addScalar', x, s);
}
