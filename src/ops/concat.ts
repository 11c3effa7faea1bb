import { record } from '../autograd/function.js';
import { axisCopy } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { normAxis, sizeOf } from '../util/shape.js';
import { allocOverwritten, allocZeroed } from '../tensor/buffer-pool.js';

/**
 * Joins tensors along an existing axis; all shapes must match elsewhere.
 * d/dxₖ = the k-th block of g along that axis.
 *
 * @example
 * concat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])], 0).shape; // [3, 2]
 * concat([tensor([[1], [2]]), tensor([[3], [4]])], -1).toArray(); // [1, 3, 2, 4]
 */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const first = xs[0];
  if (first === undefined) throw new ArgumentError('concat: needs at least one tensor, got an empty list');
  const ax = normAxis(axis, first.ndim, 'concat');
  xs.forEach((t, k) => {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError(
        `concat: tensor ${k} has shape ${fmtShape(t.shape)} but tensor 0 has ${fmtShape(first.shape)}; ` +
          `all must match except along axis ${axis}`,
      );
    }
  });
  const outer = sizeOf(first.shape.slice(0, ax));
  const inner = sizeOf(first.shape.slice(ax + 1));
  const lens = xs.map((t) => t.shape[ax]!);
  const starts = lens.map((_, k) => lens.slice(0, k).reduce((a, b) => a + b, 0));
  const total = lens.reduce((a, b) => a + b, 0);
  const out = allocOverwritten(outer * total * inner);
  xs.forEach((t, k) => axisCopy(outer, inner, lens[k]!, t.data, lens[k]!, 0, out, total, starts[k]!));
  const shape = first.shape.map((d, i) => (i === ax ? total : d));
  return record('concat', new Tensor(out, shape), xs, (g) =>
    xs.map((t, k) => {
      if (!t.requiresGrad) return null;
      const dx = allocZeroed(t.size);
      axisCopy(outer, inner, lens[k]!, g.data, total, starts[k]!, dx, lens[k]!, 0);
      return new Tensor(dx, t.shape);
    }),
  );
}
