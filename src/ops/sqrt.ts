import { UnaryOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { applyUnary } from './unary-op.js';

/**
 * Square root elementwise (NaN below 0). d/dx = g/(2√x).
 *
 * @example
 * sqrt(tensor([4, 9])).toArray(); // [2, 3]
 */
export function sqrt(x: Tensor): Tensor {
  return applyUnary(UnaryOp.sqrt, 'sqrt', x);
}
