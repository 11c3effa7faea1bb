import { record } from '../autograd/function.js';
import { BinaryOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { binaryForward, sumToShape } from './broadcast.js';

/** a · b elementwise with broadcasting. d/da = g·b, d/db = g·a. */
export function mul(a: Tensor, b: Tensor): Tensor {
  const out = binaryForward(BinaryOp.mul, a, b, 'mul');
  return record('mul', out, [a, b], (g) => [
    a.requiresGrad ? sumToShape(binaryForward(BinaryOp.mul, g, b, 'mul'), a.shape) : null,
    b.requiresGrad ? sumToShape(binaryForward(BinaryOp.mul, g, a, 'mul'), b.shape) : null,
  ]);
}
