import { ScalarOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { applyScalar } from './scalar-op.js';

/**
 * x · s for a finite number s. d/dx = g·s.
 *
 * @example
 * mulScalar(tensor([1, 2]), -3).toArray(); // [-3, -6]
 */
export function mulScalar(x: Tensor, s: number): Tensor {
  return applyScalar(ScalarOp.mul, 'mulScalar', x, s);
}
