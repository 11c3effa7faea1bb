import { record } from '../autograd/function.js';
import { axisCopy } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, fmtShape } from '../util/errors.js';
import { normAxis, sizeOf } from '../util/shape.js';
import { allocZeroed } from '../tensor/buffer-pool.js';

/**
 * The entries start..end−1 along one axis, copied (negative indices count
 * from the end; end defaults to the axis length). A range outside the axis
 * is an error, not clamped. d/dx = g placed back into zeros.
 *
 * @example
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), 1, 1).toArray();      // [2, 3, 5, 6]
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), -1, 0, -1).toArray(); // [1, 2, 4, 5]
 */
export function slice(x: Tensor, axis: number, start: number, end?: number): Tensor {
  const ax = normAxis(axis, x.ndim, 'slice');
  const n = x.shape[ax]!;
  const s = start < 0 ? start + n : start;
  const e = end === undefined ? n : end < 0 ? end + n : end;
  if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e > n || s > e) {
    throw new ArgumentError(
      `slice: range [${start}, ${end ?? n}) does not fit axis ${axis} (size ${n}) of ${fmtShape(x.shape)}; ` +
        `use integers with 0 <= start <= end <= ${n} (negative ones count from the end)`,
    );
  }
  const len = e - s;
  const outer = sizeOf(x.shape.slice(0, ax));
  const inner = sizeOf(x.shape.slice(ax + 1));
  const shape = x.shape.map((d, i) => (i === ax ? len : d));
  const out = allocZeroed(outer * len * inner);
  axisCopy(outer, inner, len, x.data, n, s, out, len, 0);
  return record('slice', new Tensor(out, shape), [x], (g) => {
    const dx = allocZeroed(x.size);
    axisCopy(outer, inner, len, g.data, len, 0, dx, n, s);
    return [new Tensor(dx, x.shape)];
  });
}
