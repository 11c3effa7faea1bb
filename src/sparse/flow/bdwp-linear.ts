/**
 * Bi-directional masks (Zhang et al. 2023, "Bi-directional Masks for
 * Efficient N:M Sparse Training"): a linear layer whose forward product uses
 * W masked N:M along the input dimension and whose input-gradient product uses
 * a second N:M mask of Wᵀ — W grouped along the output dimension, the one the
 * backward product reduces over — so both run on sparse kernels. The weight
 * gradient gᵀ·x is computed densely and reaches every weight.
 * Shapes: x: [..., K], w: [O, K], bias: [O] -> y: [..., O]; N = rows of x.
 *
 * How it plugs into a Linear: a weight transform can only change the weight,
 * but here the two products need different weights, so the layer's whole
 * forward is replaced (the plan installs `bdwpLinear` as the Linear's forward
 * override; see plan/apply-sparsity.ts).
 *
 * @example
 * const fwd = nmMask(w, { n: 2, m: 4, axis: 'input' });
 * const bwd = nmMask(w, { n: 2, m: 4, axis: 'output' });
 * const y = bdwpLinear(x, w, bias, fwd, bwd);
 */
import { defineFunction } from '../../autograd/function.js';
import { gemm, sumTo } from '../../kernels/index.js';
import { Tensor } from '../../tensor/tensor.js';
import { ShapeError, fmtShape } from '../../util/errors.js';
import { sizeOf } from '../../util/shape.js';
import { checkMaskFits } from './mask-check.js';
import { allocZeroed } from '../../tensor/buffer-pool.js';

/** y = x·(W·fwdMask)ᵀ + b; backward dX = g·(W·bwdMask), dW = gᵀ·x, db = Σ g. */
export function bdwpLinear(x: Tensor, w: Tensor, bias: Tensor | null, fwdMask: Tensor, bwdMask: Tensor): Tensor {
  if (x.ndim < 1 || w.ndim !== 2 || x.shape[x.ndim - 1] !== w.shape[1]) {
    throw new ShapeError(`bdwpLinear: input ${fmtShape(x.shape)} and weight ${fmtShape(w.shape)} do not fit: the weight must be [out, in] with in = the input's last dimension`);
  }
  const [o, k] = w.shape as [number, number];
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new ShapeError(`bdwpLinear: bias ${fmtShape(bias.shape)} must be [${o}] to match weight ${fmtShape(w.shape)}`);
  }
  checkMaskFits(w, fwdMask, 'bdwpLinear (forward mask)');
  checkMaskFits(w, bwdMask, 'bdwpLinear (backward mask)');
  const n = sizeOf(x.shape.slice(0, -1));
  const outShape = [...x.shape.slice(0, -1), o];
  const spec = {
    name: 'bdwpLinear',
    forward: () => {
      const y = allocZeroed(n * o);
      if (bias !== null) for (let r = 0; r < n; r++) y.set(bias.data, r * o);
      gemm(1, false, true, n, o, k, 1, x.data, 0, k, masked(w, fwdMask), 0, k, bias === null ? 0 : 1, y, 0, o);
      return new Tensor(y, outShape);
    },
    backward: (_ctx: unknown, g: Tensor) => {
      let gx: Tensor | null = null;
      let gb: Tensor | null = null;
      if (x.requiresGrad) {
        // dX [N, K] = g [N, O] · (W·bwdMask) [O, K]
        const d = allocZeroed(n * k);
        gemm(1, false, false, n, k, o, 1, g.data, 0, o, masked(w, bwdMask), 0, k, 0, d, 0, k);
        gx = new Tensor(d, x.shape);
      }
      let gw: Tensor | null = null;
      if (w.requiresGrad) {
        // dW [O, K] = gᵀ [O, N] · x [N, K], dense
        const d = allocZeroed(o * k);
        gemm(1, true, false, o, k, n, 1, g.data, 0, o, x.data, 0, k, 0, d, 0, k);
        gw = new Tensor(d, w.shape);
      }
      if (bias !== null && bias.requiresGrad) {
        const d = allocZeroed(o);
        sumTo(g.data, Int32Array.of(n, o), Int32Array.of(0, 1), d);
        gb = new Tensor(d, bias.shape);
      }
      return [gx, gw, gb];
    },
  };
  return bias === null ? defineFunction<[Tensor, Tensor]>(spec)(x, w) : defineFunction<[Tensor, Tensor, Tensor]>(spec)(x, w, bias);
}

function masked(w: Tensor, mask: Tensor): Float32Array {
  const out = allocZeroed(w.size);
  for (let i = 0; i < out.length; i++) out[i] = w.data[i]! * mask.data[i]!;
  return out;
}
