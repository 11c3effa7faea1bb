import { UnaryOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { applyUnary } from './unary-op.js';

/**
 * eˣ elementwise. d/dx = g·eˣ.
 *
 * @example
 * exp(tensor([0, 1])).toArray(); // [1, 2.7182817]
 */
export function exp(x: Tensor): Tensor {
  return applyUnary(UnaryOp.exp, 'exp', x);
}
