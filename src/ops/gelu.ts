// GELU (Hendrycks & Gimpel 2016, arXiv:1606.08415).
import { UnaryOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import { applyUnary } from './unary-op.js';

export interface GeluOptions {
  /** 'none' (default): the exact x·Φ(x); 'tanh': 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))), as GPT-2. */
  readonly approximate?: 'none' | 'tanh';
}

/**
 * Gaussian error linear unit, x·Φ(x) with Φ the standard normal CDF, as
 * PyTorch's F.gelu (same `approximate` option). d/dx = g·(Φ(x) + x·φ(x)).
 *
 * @example
 * gelu(tensor([1])).toArray();                           // [0.8413447]
 * gelu(tensor([1]), { approximate: 'tanh' }).toArray();  // [0.841192]
 */
export function gelu(x: Tensor, opts: GeluOptions = {}): Tensor {
  const approximate = opts.approximate ?? 'none';
  if (approximate === 'none') return applyUnary(UnaryOp.gelu, 'gelu', x);
  if (approximate === 'tanh') return applyUnary(UnaryOp.geluTanh, 'gelu', x);
  throw new ArgumentError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
}
