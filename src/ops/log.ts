import { UnaryOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { applyUnary } from './unary-op.js';

/**
 * Natural logarithm elementwise (NaN below 0, −Infinity at 0). d/dx = g/x.
 *
 * @example
 * log(tensor([1, Math.E])).toArray(); // [0, 1]
 */
export function log(x: Tensor): Tensor {
  return applyUnary(UnaryOp.log, 'log', x);
}
