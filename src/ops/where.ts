import { record } from '../autograd/function.js';
import { where as whereKernel } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ShapeError, SparsekitError, fmtShape } from '../util/errors.js';
import { broadcastShapes, sizeOf } from '../util/shape.js';
import { broadcastStrides, sumToShape } from './broadcast.js';
import { allocZeroed } from '../tensor/buffer-pool.js';

/** A zero to select against in gradients (broadcasts anywhere). */
export const ZERO = new Tensor(new Float32Array(1), []);

/** cond ? a : b into a fresh tensor of `shape`, which all three broadcast to (no tape). */
export function select(cond: Tensor, a: Tensor, b: Tensor, shape: readonly number[]): Tensor {
  const out = allocZeroed(sizeOf(shape));
  whereKernel(
    cond.data, a.data, b.data, out, Int32Array.from(shape),
    broadcastStrides(cond.shape, shape), broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape),
  );
  return new Tensor(out, shape);
}

/**
 * Elementwise choice: a where cond is nonzero, else b, with all three
 * broadcast together (NumPy rules). cond gets no gradient;
 * d/da = g where cond, d/db = g elsewhere (each summed back to its shape).
 *
 * @example
 * where(tensor([1, 0, 1]), tensor([1, 2, 3]), tensor([-1])).toArray(); // [1, -1, 3]
 */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  let shape: number[];
  try {
    shape = broadcastShapes(broadcastShapes(cond.shape, a.shape, 'where'), b.shape, 'where');
  } catch (e) {
    if (!(e instanceof SparsekitError)) throw e;
    throw new ShapeError(`where: cond ${fmtShape(cond.shape)}, a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)} do not broadcast together`);
  }
  return record('where', select(cond, a, b, shape), [cond, a, b], (g) => [
    null,
    a.requiresGrad ? sumToShape(select(cond, g, ZERO, shape), a.shape) : null,
    b.requiresGrad ? sumToShape(select(cond, ZERO, g, shape), b.shape) : null,
  ]);
}
