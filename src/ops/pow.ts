import { ScalarOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { applyScalar } from './scalar-op.js';

/**
 * xᵖ elementwise for a finite exponent p (a negative base with a
 * non-integer p gives NaN). d/dx = g·p·xᵖ⁻¹, and 0 when p = 0.
 *
 * @example
 * pow(tensor([2, 3]), 2).toArray();   // [4, 9]
 * pow(tensor([4]), -0.5).toArray();   // [0.5]
 */
export function pow(x: Tensor, p: number): Tensor {
  return applyScalar(ScalarOp.pow, 'pow', x, p);
}
