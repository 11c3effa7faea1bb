/**
 * Fully connected layer: y = x·wᵀ + b as one GEMM with the transposed-B flag.
 * Shapes: x: [..., K], weight: [O, K], bias: [O] -> y: [..., O];
 * N = the product of x's leading dimensions.
 */
import { record } from '../autograd/function.js';
import { gemm, sumTo } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ShapeError, fmtShape } from '../util/errors.js';
import { sizeOf } from '../util/shape.js';
import { expandTo } from './broadcast.js';
import { allocOverwritten, allocZeroed } from '../tensor/buffer-pool.js';

/**
 * x·weightᵀ + bias, PyTorch's `F.linear`. The bias is written into the output
 * first and the product added onto it (GEMM with beta = 1).
 *
 * @example
 * const y = linear(x, w, b); // x: [32, 784], w: [128, 784], b: [128] -> [32, 128]
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (x.ndim < 1 || weight.ndim !== 2 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new ShapeError(
      `linear: input ${fmtShape(x.shape)} and weight ${fmtShape(weight.shape)} do not fit: the weight must be [out, in] with in = the input's last dimension`,
    );
  }
  const [o, k] = weight.shape as [number, number];
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new ShapeError(`linear: bias ${fmtShape(bias.shape)} must be [${o}] to match weight ${fmtShape(weight.shape)}`);
  }
  const n = sizeOf(x.shape.slice(0, -1));
  const outShape = [...x.shape.slice(0, -1), o];
  const y = bias === null ? allocOverwritten(n * o) : expandTo(bias, [n, o]).data;
  gemm(1, false, true, n, o, k, 1, x.data, 0, k, weight.data, 0, k, bias === null ? 0 : 1, y, 0, o);
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  return record('linear', new Tensor(y, outShape), inputs, (g) => {
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    let gb: Tensor | null = null;
    if (x.requiresGrad) {
      // dx [N, K] = g [N, O] · w [O, K]
      const d = allocOverwritten(n * k);
      gemm(1, false, false, n, k, o, 1, g.data, 0, o, weight.data, 0, k, 0, d, 0, k);
      gx = new Tensor(d, x.shape);
    }
    if (weight.requiresGrad) {
      // dw [O, K] = gᵀ [O, N] · x [N, K]
      const d = allocOverwritten(o * k);
      gemm(1, true, false, o, k, n, 1, g.data, 0, o, x.data, 0, k, 0, d, 0, k);
      gw = new Tensor(d, weight.shape);
    }
    if (bias !== null && bias.requiresGrad) {
      const d = allocZeroed(o);
      sumTo(g.data, Int32Array.of(n, o), Int32Array.of(0, 1), d);
      gb = new Tensor(d, bias.shape);
    }
    return [gx, gw, gb];
  });
}
