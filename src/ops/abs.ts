import { UnaryOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { applyUnary } from './unary-op.js';

/**
 * |x| elementwise. d/dx = g·sign(x), 0 at x = 0 (as PyTorch).
 *
 * @example
 * abs(tensor([-2, 3])).toArray(); // [2, 3]
 */
export function abs(x: Tensor): Tensor {
  return applyUnary(UnaryOp.abs, 'abs', x);
}
