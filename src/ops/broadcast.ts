/**
 * Broadcasting plumbing shared by the binary ops: strides of an input in the
 * output's coordinates, and reducing a gradient back to an input's shape.
 */
import { binary, sumTo, type BinaryOpCode } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, sameShape, sizeOf, stridesOf } from '../util/shape.js';
import { allocOverwritten, allocZeroed } from '../tensor/buffer-pool.js';

/** Strides of `shape` read in the coordinates of the larger `outShape` (0 where broadcast). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const nd = outShape.length;
  const own = stridesOf(shape);
  const s = new Int32Array(nd);
  for (let i = 0; i < nd; i++) {
    const j = i - (nd - shape.length);
    s[i] = j < 0 || shape[j] === 1 ? 0 : own[j]!;
  }
  return s;
}

/** out = f(a, b) with NumPy broadcasting (no tape). */
export function binaryForward(op: BinaryOpCode, a: Tensor, b: Tensor, name: string): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, name);
  const out = allocOverwritten(sizeOf(shape));
  binary(op, a.data, b.data, out, Int32Array.from(shape), broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape));
  return new Tensor(out, shape);
}

/** Sums a gradient of a broadcast result back down to `shape` (no tape). */
export function sumToShape(grad: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(grad.shape, shape)) return grad;
  const out = allocZeroed(sizeOf(shape));
  sumTo(grad.data, Int32Array.from(grad.shape), broadcastStrides(shape, grad.shape), out);
  return new Tensor(out, shape);
}

/** A contiguous copy of t broadcast to `shape` (no tape). */
export function expandTo(t: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(t.shape, shape)) return t;
  return new Tensor(expandInto(t, shape, allocOverwritten(sizeOf(shape))), shape);
}

/** out (size(shape) floats) = t broadcast to `shape`, through the native copy; returns out. */
export function expandInto(t: Tensor, shape: readonly number[], out: Float32Array): Float32Array {
  broadcastShapes(t.shape, shape, 'expand');
  const zero = new Float32Array(1);
  binary(0, t.data, zero, out, Int32Array.from(shape), broadcastStrides(t.shape, shape), new Int32Array(shape.length));
  return out;
}
