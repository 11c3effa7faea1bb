/**
 * Plumbing shared by the elementwise unary ops: forward through the `unary`
 * kernel, gradient through `unaryBackward`, which may reuse the output.
 */
import { record } from '../autograd/function.js';
import { unary, unaryBackward, type UnaryOpCode } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { allocOverwritten } from '../tensor/buffer-pool.js';

/** y = f(x) elementwise, recorded with d/dx = g·f'(x). */
export function applyUnary(op: UnaryOpCode, name: string, x: Tensor): Tensor {
  const y = allocOverwritten(x.size);
  unary(op, x.data, y);
  return record(name, new Tensor(y, x.shape), [x], (g) => {
    const dx = allocOverwritten(x.size);
    unaryBackward(op, x.data, y, g.data, dx);
    return [new Tensor(dx, x.shape)];
  });
}
