/**
 * Plumbing shared by the elementwise unary ops: forward through the `unary`
 * kernel, gradient through `unaryBackward`, which may reuse the output.
 */
import { record } from '../autograd/function.js';
import { unary, unaryBackward, type UnaryOpCode } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';

/** y = f(x) elementwise, recorded with d/dx = g·f'(x). */
export function applyUnary(op: UnaryOpCode, name: string, x: Tensor): Tensor {
  const y = new Float32Array(x.size);
  unary(op, x.data, y);
  return record(name, new Tensor(y, x.shape), [x], (g) => {
    const dx = new Float32Array(x.size);
    unaryBackward(op, x.data, y, g.data, dx);
    return [new Tensor(dx, x.shape)];
  });
}
