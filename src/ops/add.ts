import { record } from '../autograd/function.js';
import { BinaryOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { binaryForward, sumToShape } from './broadcast.js';

/** a + b with broadcasting. d/da = g, d/db = g (each summed to its shape). */
export function add(a: Tensor, b: Tensor): Tensor {
  const out = binaryForward(BinaryOp.add, a, b, 'add');
  return record('add', out, [a, b], (g) => [sumToShape(g, a.shape), sumToShape(g, b.shape)]);
}
