import { record } from '../autograd/function.js';
import { permute as permuteKernel } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, fmtShape } from '../util/errors.js';
import { normAxis } from '../util/shape.js';
import { allocOverwritten } from '../tensor/buffer-pool.js';

/** A contiguous copy of x with its axes reordered, out axis d = x axis perm[d] (no tape, no checks). */
export function permuteData(x: Tensor, perm: readonly number[]): Tensor {
  const out = allocOverwritten(x.size);
  permuteKernel(x.data, Int32Array.from(x.shape), Int32Array.from(perm), out);
  return new Tensor(out, perm.map((p) => x.shape[p]!));
}

/** The permutation that undoes perm. */
export function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, d) => {
    inv[p] = d;
  });
  return inv;
}

/**
 * Reorders axes: result axis d is x's axis dims[d] (negative counts from the
 * end), copied to a contiguous tensor. d/dx = g permuted back.
 *
 * @example
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const bad = (): ArgumentError =>
    new ArgumentError(`permute: dims ${fmtShape(dims)} must name each of the ${x.ndim} axes of ${fmtShape(x.shape)} exactly once`);
  if (dims.length !== x.ndim) throw bad();
  const perm = dims.map((d) => normAxis(d, x.ndim, 'permute'));
  if (new Set(perm).size !== perm.length) throw bad();
  const inv = inversePermutation(perm);
  return record('permute', permuteData(x, perm), [x], (g) => [permuteData(g, inv)]);
}
