import { record } from '../autograd/function.js';
import { BinaryOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { binaryForward, sumToShape } from './broadcast.js';
import { neg } from './neg.js';

/** a − b with broadcasting. d/da = g, d/db = −g. */
export function sub(a: Tensor, b: Tensor): Tensor {
  const out = binaryForward(BinaryOp.sub, a, b, 'sub');
  return record('sub', out, [a, b], (g) => [sumToShape(g, a.shape), b.requiresGrad ? neg(sumToShape(g, b.shape)) : null]);
}
