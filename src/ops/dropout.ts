// Dropout (Srivastava et al. 2014, JMLR 15), inverted: survivors are scaled at training time.
import { record } from '../autograd/function.js';
import { BinaryOp } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { binaryForward } from './broadcast.js';
import { allocZeroed } from '../tensor/buffer-pool.js';

/**
 * Zeroes each element with probability p and scales the rest by 1/(1 − p),
 * so the expectation is unchanged. Identity (x itself) when not training or
 * p = 0; all zeros when p = 1. One uniform draw per element, in row-major
 * order, from rng: the same seed gives the same mask. d/dx = g·mask.
 *
 * @example
 * const y = dropout(x, 0.1, new Rng(0));        // training
 * dropout(x, 0.1, rng, false) === x;            // evaluation
 */
export function dropout(x: Tensor, p: number, rng: Rng, training = true): Tensor {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ArgumentError(`dropout: p = ${String(p)} must be a probability in [0, 1]`);
  }
  if (!training || p === 0) return x;
  const scale = 1 / (1 - p);
  const keep = allocZeroed(x.size);
  for (let i = 0; i < keep.length; i++) keep[i] = rng.uniform() >= p ? scale : 0;
  const mask = new Tensor(keep, x.shape);
  return record('dropout', binaryForward(BinaryOp.mul, x, mask, 'dropout'), [x], (g) => [binaryForward(BinaryOp.mul, g, mask, 'dropout')]);
}
