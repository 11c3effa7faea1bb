import { record } from '../autograd/function.js';
import { reduceMax, reduceMaxBackward } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, fmtShape } from '../util/errors.js';
import { sizeOf } from '../util/shape.js';
import { inversePermutation, permuteData } from './permute.js';
import { reducedShapes, type ReduceOptions } from './sum.js';
import { allocZeroed } from '../tensor/buffer-pool.js';

/**
 * Maximum over axes (all when omitted); a NaN wins, as torch.max. The
 * gradient goes whole to the first arg-max in row-major order (ties: the
 * first only): d/dx = g at that position, 0 elsewhere.
 *
 * @example
 * max(tensor([[1, 5], [7, 2]]), { axis: 1 }).toArray(); // [5, 7]
 * max(tensor([[1, 5], [7, 2]])).item();                 // 7
 */
export function max(x: Tensor, opts: ReduceOptions = {}): Tensor {
  const { kept, out } = reducedShapes(x.shape, opts, 'max');
  const axes = x.shape.flatMap((d, i) => (kept[i] !== d ? [i] : []));
  for (const a of axes) {
    if (x.shape[a] === 0) {
      throw new ArgumentError(`max: axis ${a} of ${fmtShape(x.shape)} is empty and an empty max has no value; reduce other axes or check the input`);
    }
  }
  // Reduced axes in one block [lo, hi] read x as [outer, axisLen, inner] directly;
  // scattered ones are moved last first, which keeps their row-major order.
  const lo = axes[0] ?? 0;
  const hi = axes[axes.length - 1] ?? -1;
  const contiguous = hi - lo + 1 === axes.length;
  const perm = contiguous ? null : [...x.shape.keys()].filter((i) => !axes.includes(i)).concat(axes);
  const src = perm === null ? x : permuteData(x, perm);
  const outer = perm === null ? sizeOf(x.shape.slice(0, lo)) : sizeOf(kept);
  const axisLen = sizeOf(axes.map((a) => x.shape[a]!));
  const inner = perm === null ? sizeOf(x.shape.slice(hi + 1)) : 1;
  const values = allocZeroed(outer * inner);
  const arg = new Int32Array(outer * inner);
  reduceMax(outer, axisLen, inner, src.data, values, arg);
  return record('max', new Tensor(values, out), [x], (g) => {
    const dx = allocZeroed(x.size);
    reduceMaxBackward(outer, axisLen, inner, g.data, arg, dx);
    return [perm === null ? new Tensor(dx, x.shape) : permuteData(new Tensor(dx, src.shape), inversePermutation(perm))];
  });
}
