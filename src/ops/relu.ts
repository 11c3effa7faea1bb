import { UnaryOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { applyUnary } from './unary-op.js';

/**
 * max(x, 0) elementwise. d/dx = g where x > 0, else 0.
 *
 * @example
 * relu(tensor([-1, 2])).toArray(); // [0, 2]
 */
export function relu(x: Tensor): Tensor {
  return applyUnary(UnaryOp.relu, 'relu', x);
}
