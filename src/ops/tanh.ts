import { UnaryOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { applyUnary } from './unary-op.js';

/**
 * Hyperbolic tangent elementwise. d/dx = g·(1 − tanh²x).
 *
 * @example
 * tanh(tensor([0, 1])).toArray(); // [0, 0.7615942]
 */
export function tanh(x: Tensor): Tensor {
  return applyUnary(UnaryOp.tanh, 'tanh', x);
}
