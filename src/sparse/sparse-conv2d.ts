/**
 * 2-D convolution with its weight in a compressed layout (N:M, CSR, BSR), on
 * the tape: im2row (the patches as rows), then the same three sparse products
 * as sparseLinear (forward, input gradient, weight gradient at the stored
 * entries), so a fixed-mask training step never builds a dense kernel.
 * Letters: B images, C input channels, O output channels, kh×kw kernel,
 * P = kh·kw kernel positions, K = P·C, L = OH·OW output pixels.
 * A weight [O, C, kh, kw] runs as the matrix [O, K] whose column p·C + c holds
 * w[o, c, p] (the weight permuted to [O, kh, kw, C]): N:M groups then run
 * along C at each kernel position, as patterns/nm-pattern.ts groups a conv
 * weight, and they are consecutive columns, as NMPacked stores groups.
 * Shapes: x [B, C, H, W] -> rows [B, L, P, C] = [B·L, K] -> rows·Wᵀ [B·L, O]
 *   -> y [B, O, OH, OW]. No groups, no dilation.
 */
import { record } from '../autograd/function.js';
import { spmm, spmmGradInput, type SparseMatrix } from '../formats/index.js';
import { im2row, permute, row2im } from '../kernels/index.js';
import { convBiasGrad } from '../ops/conv2d.js';
import { windowOut } from '../ops/window.js';
import { isGradEnabled } from '../tensor/grad-mode.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { scratchOf } from '../util/scratch.js';
import { allocOverwritten, allocZeroed } from '../tensor/buffer-pool.js';
import { valuesGrad } from './sparse-linear.js';

/** Kernel size, stride and zero padding, each [h, w]. */
export interface SparseConvGeometry {
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
}

function checkConvWeight(shape: readonly number[], what: string): [number, number, number, number] {
  if (shape.length !== 4 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ShapeError(`${what}: a convolution weight is [O, C, kh, kw], got ${fmtShape(shape)}`);
  }
  return shape as [number, number, number, number];
}

/**
 * The [O, kh·kw·C] matrix a compressed convolution stores: `w` [O, C, kh, kw]
 * permuted to [O, kh, kw, C], so that N:M groups along C are consecutive.
 *
 * @example
 * const m = convToMatrix(conv.weight);                 // [16, 3, 3, 3] -> [16, 27]
 * NMPacked.fromDense(m, { n: 1, m: 8 }) // when C is a multiple of 8 and the weight is 1:8 along C
 */
export function convToMatrix(w: Tensor): Tensor {
  const [o, c, kh, kw] = checkConvWeight(w.shape, 'convToMatrix');
  const out = allocZeroed(w.size);
  permute(w.data, Int32Array.of(o, c, kh * kw), Int32Array.of(0, 2, 1), out);
  return new Tensor(out, [o, kh * kw * c]);
}

/**
 * The inverse of convToMatrix: the matrix [O, kh·kw·C] as the weight `shape` [O, C, kh, kw].
 *
 * @example
 * convFromMatrix(convToMatrix(w), w.shape); // equals w
 */
export function convFromMatrix(m: Tensor, shape: readonly number[]): Tensor {
  const [o, c, kh, kw] = checkConvWeight(shape, 'convFromMatrix');
  if (m.ndim !== 2 || m.shape[0] !== o || m.shape[1] !== kh * kw * c) {
    throw new ShapeError(`convFromMatrix: a weight ${fmtShape(shape)} is stored as a [${o}, ${kh * kw * c}] matrix, got ${fmtShape(m.shape)}`);
  }
  const out = allocZeroed(m.size);
  permute(m.data, Int32Array.of(o, kh * kw, c), Int32Array.of(0, 2, 1), out);
  return new Tensor(out, shape);
}

/**
 * The sparse convolution. `w` is the weight as convToMatrix lays it out, then
 * packed; `values` is the tensor the optimizer trains: it must share w.values'
 * memory (or be null for inference, when w is fixed).
 *
 * @example
 * const w = NMPacked.fromDense(convToMatrix(conv.weight), { n: 1, m: 8 });
 * const y = sparseConv2d(x, w, null, conv.bias, { kernelSize: [3, 3], stride: [1, 1], padding: [1, 1] });
 */
export function sparseConv2d(x: Tensor, w: SparseMatrix, values: Tensor | null, bias: Tensor | null, geom: SparseConvGeometry): Tensor {
  const op = 'sparseConv2d';
  if (x.ndim !== 4) throw new ShapeError(`${op}: input must be [B, C, H, W], got ${fmtShape(x.shape)}`);
  const [b, c, h, wd] = x.shape as [number, number, number, number];
  const [kh, kw] = geom.kernelSize;
  const [sh, sw] = geom.stride;
  const [ph, pw] = geom.padding;
  const p = kh * kw;
  const k = p * c;
  const o = w.rows;
  if (w.cols !== k) {
    throw new ShapeError(`${op}: input ${fmtShape(x.shape)} has ${c} channels, so a ${kh}×${kw} kernel needs a weight matrix with kh·kw·C = ${k} columns; this one is [${o}, ${w.cols}] (was the layer built for another channel count?)`);
  }
  if (values !== null && values.data !== w.values) {
    throw new ArgumentError(`${op}: \`values\` must share the sparse weight's values array (new Tensor(w.values, [w.values.length])), so that training updates the weight the kernels read`);
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new ShapeError(`${op}: bias ${fmtShape(bias.shape)} must be [${o}]`);
  }
  const [oh, ow] = windowOut(op, x.shape, [h, wd], [kh, kw], [sh, sw], [ph, pw]);
  const l = oh * ow;
  const n = b * l;
  // Only the weight gradient reads the rows again; otherwise they are scratch.
  const keepRows = isGradEnabled() && values !== null && values.requiresGrad;
  const rows = keepRows ? allocOverwritten(n * k) : scratchOf('sparseConv2d.rows', n * k);
  im2row(b, c, h, wd, kh, kw, sh, sw, ph, pw, oh, ow, x.data, rows);
  const yRows = scratchOf('sparseConv2d.yRows', n * o);
  spmm(w, rows, n, yRows, false, bias === null ? null : bias.data);
  const y = allocOverwritten(b * o * l); // the permute writes every element
  permute(yRows, Int32Array.of(b, l, o), Int32Array.of(0, 2, 1), y);
  const inputs: Tensor[] = [x];
  if (values !== null) inputs.push(values);
  if (bias !== null) inputs.push(bias);
  return record(op, new Tensor(y, [b, o, oh, ow]), inputs, (g) => {
    const gRows = scratchOf('sparseConv2d.gRows', n * o);
    permute(g.data, Int32Array.of(b, o, l), Int32Array.of(0, 2, 1), gRows);
    const grads: Array<Tensor | null> = [];
    if (x.requiresGrad) {
      const dRows = scratchOf('sparseConv2d.dRows', n * k);
      spmmGradInput(w, gRows, n, dRows);
      const dx = allocZeroed(x.size);
      row2im(b, c, h, wd, kh, kw, sh, sw, ph, pw, oh, ow, dRows, dx);
      grads.push(new Tensor(dx, x.shape));
    } else {
      grads.push(null);
    }
    if (values !== null) grads.push(valuesGrad(w, values, rows, gRows, n));
    if (bias !== null) grads.push(convBiasGrad(g, bias, b, o, l));
    return grads;
  });
}
