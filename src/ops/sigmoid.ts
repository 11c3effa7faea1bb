import { UnaryOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { applyUnary } from './unary-op.js';

/**
 * Logistic σ(x) = 1/(1 + e⁻ˣ), stable for large |x|. d/dx = g·σ(1 − σ).
 *
 * @example
 * sigmoid(tensor([0])).toArray(); // [0.5]
 */
export function sigmoid(x: Tensor): Tensor {
  return applyUnary(UnaryOp.sigmoid, 'sigmoid', x);
}
