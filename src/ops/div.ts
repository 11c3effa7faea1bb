import { record } from '../autograd/function.js';
import { BinaryOp } from '../kernels/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { binaryForward, sumToShape } from './broadcast.js';

/** a / b elementwise with broadcasting. d/da = g/b, d/db = −g·a/b². */
export function div(a: Tensor, b: Tensor): Tensor {
  const out = binaryForward(BinaryOp.div, a, b, 'div');
  return record('div', out, [a, b], (g) => {
    const ga = binaryForward(BinaryOp.div, g, b, 'div');
    if (!b.requiresGrad) return [sumToShape(ga, a.shape), null];
    // d/db = −(g/b)·(a/b) = −ga · out
    const gb = binaryForward(BinaryOp.mul, ga, out, 'div');
    for (let i = 0; i < gb.size; i++) gb.data[i] = -gb.data[i]!;
    return [a.requiresGrad ? sumToShape(ga, a.shape) : null, sumToShape(gb, b.shape)];
  });
}
