import { record } from '../autograd/function.js';
import { ScalarOp, scalarOp } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { expandTo, sumToShape } from './broadcast.js';
import { reducedShapes, type ReduceOptions } from './sum.js';
import { allocZeroed } from '../tensor/buffer-pool.js';

/** y = t·s (no tape). */
function scaled(t: Tensor, s: number, shape: readonly number[]): Tensor {
  const out = allocZeroed(t.size);
  scalarOp(ScalarOp.mul, t.data, s, out);
  return new Tensor(out, shape);
}

/**
 * Mean over axes (all when omitted), summed in float64. An empty reduction
 * gives NaN, as PyTorch. d/dx = g/n broadcast back, n the count reduced.
 *
 * @example
 * mean(tensor([[1, 2], [3, 6]]), { axis: 1 }).toArray(); // [1.5, 4.5]
 */
export function mean(x: Tensor, opts: ReduceOptions = {}): Tensor {
  const { kept, out } = reducedShapes(x.shape, opts, 'mean');
  let count = 1;
  x.shape.forEach((d, i) => {
    if (kept[i] !== d) count *= d;
  });
  const inv = 1 / count;
  const y = scaled(sumToShape(x, kept), inv, out);
  return record('mean', y, [x], (g) => [scaled(expandTo(new Tensor(g.data, kept), x.shape), inv, x.shape)]);
}
