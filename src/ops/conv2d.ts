/**
 * 2-D convolution (cross-correlation, as in PyTorch). One group runs on the
 * fused conv2d kernels (natively: chunks of the batch in cache, no column
 * matrix of the whole batch; the backward keeps only x and the weight);
 * several groups by im2col of the whole batch + batched GEMM per group.
 * Letters: B images, C input channels, O output channels, G groups,
 * Cg = C/G, Og = O/G, kh×kw kernel, K = Cg·kh·kw, L = OH·OW output pixels.
 * Shapes: x: [B, C, H, W], weight: [O, Cg, kh, kw], bias: [O] -> [B, O, OH, OW];
 * col: [B, C·kh·kw, L], whose rows for group g are g·K … g·K + K − 1.
 */
import { record } from '../autograd/function.js';
import { col2im, conv2dBackwardInput, conv2dBackwardWeight, conv2dForward, gemm, im2col, sumTo } from '../kernels/index.js';
import { isGradEnabled } from '../tensor/grad-mode.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { scratchOf } from '../util/scratch.js';
import { expandTo } from './broadcast.js';
import { pair, windowOut, type Size2 } from './window.js';
import { allocOverwritten, allocZeroed, copyFloats } from '../tensor/buffer-pool.js';


export interface Conv2dOptions {
  /** Step of the window, a number or [h, w] (default 1). */
  readonly stride?: Size2;
  /** Zeros added on each side, a number or [h, w] (default 0). */
  readonly padding?: Size2;
  /** Channel groups: input and output channels split into this many independent convolutions (default 1). */
  readonly groups?: number;
}

/**
 * `F.conv2d(x, weight, bias, stride, padding, 1, groups)`.
 *
 * @example
 * const y = conv2d(x, w, b, { padding: 1 }); // x: [8, 3, 32, 32], w: [16, 3, 3, 3] -> [8, 16, 32, 32]
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, opts: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  if (x.ndim !== 4) throw new ShapeError(`${op}: input must be [B, C, H, W], got ${fmtShape(x.shape)}`);
  if (weight.ndim !== 4) throw new ShapeError(`${op}: weight must be [O, C/groups, kh, kw], got ${fmtShape(weight.shape)}`);
  const groups = opts.groups ?? 1;
  const [b, c, h, w] = x.shape as [number, number, number, number];
  const [o, cg, kh, kw] = weight.shape as [number, number, number, number];
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || o % groups !== 0) {
    throw new ArgumentError(`${op}: groups ${groups} must be a positive integer dividing both the input channels (${c}) and the output channels (${o})`);
  }
  if (cg * groups !== c) {
    throw new ShapeError(`${op}: weight ${fmtShape(weight.shape)} expects ${cg * groups} input channels with groups ${groups}, input ${fmtShape(x.shape)} has ${c}`);
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new ShapeError(`${op}: bias ${fmtShape(bias.shape)} must be [${o}] to match weight ${fmtShape(weight.shape)}`);
  }
  const [sh, sw] = pair(opts.stride ?? 1, 'stride', op, 1);
  const [ph, pw] = pair(opts.padding ?? 0, 'padding', op, 0);
  const [oh, ow] = windowOut(op, x.shape, [h, w], [kh, kw], [sh, sw], [ph, pw]);
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  if (groups === 1) {
    const sizes = [b, c, h, w, o, kh, kw, sh, sw, ph, pw, oh, ow] as const;
    const y = allocZeroed(b * o * oh * ow);
    conv2dForward(...sizes, x.data, weight.data, bias === null ? new Float32Array(0) : bias.data, y);
    return record(op, new Tensor(y, [b, o, oh, ow]), inputs, (grad) => {
      let gx: Tensor | null = null;
      let gw: Tensor | null = null;
      if (x.requiresGrad) {
        const dx = allocZeroed(x.size);
        conv2dBackwardInput(...sizes, grad.data, weight.data, dx);
        gx = new Tensor(dx, x.shape);
      }
      if (weight.requiresGrad) {
        const dw = allocZeroed(weight.size);
        conv2dBackwardWeight(...sizes, x.data, grad.data, dw);
        gw = new Tensor(dw, weight.shape);
      }
      return [gx, gw, convBiasGrad(grad, bias, b, o, oh * ow)];
    });
  }
  const l = oh * ow;
  const k = cg * kh * kw;
  const og = o / groups;
  // im2col and the backward's GEMM write every element, so reused buffers need no clearing.
  const taped = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const col = taped ? allocOverwritten(b * c * kh * kw * l) : scratchOf('conv2d.col', b * c * kh * kw * l);
  im2col(b, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, x.data, col);
  // The bias is written first and the products added onto it (GEMM beta = 1).
  const y = bias === null ? allocZeroed(b * o * l) : copyFloats(expandTo(new Tensor(bias.data, [o, 1]), [b, o, l]).data);
  for (let g = 0; g < groups; g++) {
    // y[n, g·Og:(g+1)·Og, :] [Og, L] = weight_g [Og, K] · col[n, g·K:(g+1)·K, :] [K, L], batched over n
    gemm(b, false, false, og, l, k, 1, weight.data.subarray(g * og * k), 0, k, col.subarray(g * k * l), c * kh * kw * l, l, bias === null ? 0 : 1, y.subarray(g * og * l), o * l, l);
  }
  return record(op, new Tensor(y, [b, o, oh, ow]), inputs, (grad) => {
    const dy = grad.data;
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    if (x.requiresGrad) {
      const dcol = scratchOf('conv2d.col', col.length);
      for (let g = 0; g < groups; g++) {
        // dcol[n, group g] [K, L] = weight_gᵀ [K, Og] · dy[n, group g] [Og, L]
        gemm(b, true, false, k, l, og, 1, weight.data.subarray(g * og * k), 0, k, dy.subarray(g * og * l), o * l, l, 0, dcol.subarray(g * k * l), c * kh * kw * l, l);
      }
      const dx = allocZeroed(x.size);
      col2im(b, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, dcol, dx);
      gx = new Tensor(dx, x.shape);
    }
    if (weight.requiresGrad) {
      const dw = allocZeroed(weight.size);
      for (let g = 0; g < groups; g++) {
        // dweight_g [Og, K] = Σ_n dy[n, group g] [Og, L] · col[n, group g]ᵀ [L, K]
        for (let n = 0; n < b; n++) {
          gemm(1, false, true, og, k, l, 1, dy.subarray((n * o + g * og) * l), 0, l, col.subarray((n * c * kh * kw + g * k) * l), 0, l, n === 0 ? 0 : 1, dw.subarray(g * og * k), 0, k);
        }
      }
      gw = new Tensor(dw, weight.shape);
    }
    return [gx, gw, convBiasGrad(grad, bias, b, o, l)];
  });
}

/** dbias[o] = Σ over images and pixels of dy [B, O, L]; null when the bias takes no gradient. */
export function convBiasGrad(grad: Tensor, bias: Tensor | null, b: number, o: number, l: number): Tensor | null {
  if (bias === null || !bias.requiresGrad) return null;
  const db = allocZeroed(o);
  sumTo(grad.data, Int32Array.of(b, o, l), Int32Array.of(0, 1, 0), db);
  return new Tensor(db, bias.shape);
}
