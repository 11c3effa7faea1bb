import { UnaryOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { applyUnary } from './unary-op.js';

/**
 * SiLU / swish, x·σ(x) (Elfwing et al. 2017, arXiv:1702.03118). d/dx = g·σ(x)(1 + x(1 − σ(x))).
 *
 * @example
 * silu(tensor([0, 1])).toArray(); // [0, 0.7310586]
 */
export function silu(x: Tensor): Tensor {
  return applyUnary(UnaryOp.silu, 'silu', x);
}
