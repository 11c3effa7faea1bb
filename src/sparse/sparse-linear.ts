/**
 * y = x·Wᵀ + b with W in a compressed layout, on the tape: the forward, the
 * input gradient (dX = dY·W) and the weight gradient at W's stored entries
 * only (a sampled dense–dense product) all run on the sparse kernels, so a
 * training step never builds a dense weight (SparseProp-style backward,
 * Nikdan et al., "SparseProp", ICML 2023).
 * Shapes: x [..., K]; W [O, K]; values like W.values; bias [O] -> y [..., O].
 */
import { record } from '../autograd/function.js';
import { sddmm, spmm, spmmGradInput, type SparseMatrix } from '../formats/index.js';
import { sumTo } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { sizeOf } from '../util/shape.js';
import { allocOverwritten, allocZeroed } from '../tensor/buffer-pool.js';

/**
 * The gradient of a compressed weight's trained values: dY·X sampled at its
 * stored positions (x [n, K] and g [n, O] as rows), or null when they take none.
 */
export function valuesGrad(w: SparseMatrix, values: Tensor, x: Float32Array, g: Float32Array, n: number): Tensor | null {
  if (!values.requiresGrad) return null;
  const dv = allocZeroed(w.values.length);
  sddmm(w, x, g, n, dv);
  return new Tensor(dv, values.shape);
}

/**
 * The sparse Linear product. `values` is the tensor the optimizer trains: it
 * must share W.values' memory (or be null for inference, when W is fixed).
 *
 * @example
 * const w = NMPacked.fromDense(weight, { n: 1, m: 8 });
 * const v = new Tensor(w.values, [w.values.length]).requireGrad();
 * const y = sparseLinear(x, w, v, bias); // x: [B, K] -> [B, O]; y.backward(...) fills v.grad
 */
export function sparseLinear(x: Tensor, w: SparseMatrix, values: Tensor | null, bias: Tensor | null = null): Tensor {
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== w.cols) {
    throw new ShapeError(`sparseLinear: input ${fmtShape(x.shape)} does not fit a [${w.rows}, ${w.cols}] weight: the input's last dimension must be ${w.cols}`);
  }
  if (values !== null && values.data !== w.values) {
    throw new ArgumentError('sparseLinear: `values` must share the sparse weight\'s values array (new Tensor(w.values, [w.values.length])), so that training updates the weight the kernels read');
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== w.rows)) {
    throw new ShapeError(`sparseLinear: bias ${fmtShape(bias.shape)} must be [${w.rows}]`);
  }
  const n = sizeOf(x.shape.slice(0, -1));
  const y = allocOverwritten(n * w.rows);
  spmm(w, x.data, n, y, false, bias === null ? null : bias.data);
  const inputs: Tensor[] = [x];
  if (values !== null) inputs.push(values);
  if (bias !== null) inputs.push(bias);
  return record('sparseLinear', new Tensor(y, [...x.shape.slice(0, -1), w.rows]), inputs, (g) => {
    const grads: Array<Tensor | null> = [];
    if (x.requiresGrad) {
      const dx = allocZeroed(n * w.cols);
      spmmGradInput(w, g.data, n, dx);
      grads.push(new Tensor(dx, x.shape));
    } else {
      grads.push(null);
    }
    if (values !== null) grads.push(valuesGrad(w, values, x.data, g.data, n));
    if (bias !== null) {
      if (bias.requiresGrad) {
        const db = allocZeroed(w.rows);
        sumTo(g.data, Int32Array.of(n, w.rows), Int32Array.of(0, 1), db);
        grads.push(new Tensor(db, bias.shape));
      } else {
        grads.push(null);
      }
    }
    return grads;
  });
}
