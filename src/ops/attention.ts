/**
 * Scaled dot-product attention (Vaswani et al. 2017, arXiv:1706.03762) with
 * its own backward: one tape entry instead of five, and the probabilities
 * are the only intermediate kept.
 * Shapes: q: [..., T, D], k: [..., S, D], v: [..., S, Dv] (leading batch
 * dimensions broadcast), mask: broadcastable to [..., T, S] -> [..., T, Dv].
 */
import { record } from '../autograd/function.js';
import { BinaryOp, softmaxRows, softmaxRowsBackward } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { sameShape } from '../util/shape.js';
import { binaryForward, sumToShape } from './broadcast.js';
import { gemmTensors } from './matmul.js';
import { allocZeroed } from '../tensor/buffer-pool.js';

export interface AttentionOptions {
  /** Query i sees keys 0..i only (the top-left aligned lower triangle, as PyTorch's is_causal). */
  readonly causal?: boolean;
  /**
   * Additive mask broadcastable to [..., T, S], added to the scaled scores
   * before the softmax: 0 keeps a key, −Infinity blocks it (a float mask
   * may also bias scores). A 0/1 keep-mask m becomes additive as
   * `maskedFill(zeros(m.shape), sub(ones(m.shape), m), -Infinity)`.
   */
  readonly mask?: Tensor;
  /** Multiplies q·kᵀ (default 1/sqrt(D)). */
  readonly scale?: number;
}

/**
 * softmax(q·kᵀ·scale + mask)·v. A query row whose keys are all blocked
 * gives NaN, as in PyTorch.
 *
 * @example
 * const y = scaledDotProductAttention(q, k, v, { causal: true }); // q, k, v: [B, H, T, D] -> [B, H, T, D]
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  const op = 'scaledDotProductAttention';
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2) {
    throw new ShapeError(`${op}: q, k, v need at least 2 dimensions, got ${fmtShape(q.shape)}, ${fmtShape(k.shape)}, ${fmtShape(v.shape)}`);
  }
  const [t, d] = q.shape.slice(-2) as [number, number];
  const s = k.shape[k.ndim - 2]!;
  if (k.shape[k.ndim - 1] !== d || v.shape[v.ndim - 2] !== s) {
    throw new ShapeError(`${op}: q ${fmtShape(q.shape)}, k ${fmtShape(k.shape)}, v ${fmtShape(v.shape)} must be [..., T, D], [..., S, D], [..., S, Dv]`);
  }
  const scale = opts.scale ?? 1 / Math.sqrt(d);
  if (!Number.isFinite(scale)) throw new ArgumentError(`${op}: scale ${scale} must be a finite number`);
  const mask = opts.mask;

  // The scale rides on the GEMM's alpha (here and in the backward): no extra pass over the scores.
  let scores = gemmTensors(q, k, false, true, op, scale);
  if (mask !== undefined) {
    const masked = binaryForward(BinaryOp.add, scores, mask, op);
    if (!sameShape(masked.shape, scores.shape)) {
      throw new ShapeError(`${op}: mask ${fmtShape(mask.shape)} must broadcast to the scores ${fmtShape(scores.shape)} without growing them`);
    }
    scores = masked;
  }
  if (opts.causal) {
    const sd = scores.data;
    for (let o = 0; o < sd.length; o += t * s) {
      for (let i = 0; i < t; i++) sd.fill(-Infinity, o + i * s + i + 1, o + (i + 1) * s);
    }
  }
  const rows = scores.size / Math.max(1, s);
  const probs = new Tensor(allocZeroed(scores.size), scores.shape);
  softmaxRows(rows, s, false, scores.data, probs.data);
  const out = gemmTensors(probs, v, false, false, op);

  const inputs = mask === undefined ? [q, k, v] : [q, k, v, mask];
  return record(op, out, inputs, (g) => {
    const gv = v.requiresGrad ? sumToShape(gemmTensors(probs, g, true, false, op), v.shape) : null;
    if (!q.requiresGrad && !k.requiresGrad && !mask?.requiresGrad) return [null, null, gv, null];
    // dP = g·vᵀ, then through the softmax to the masked, scaled scores.
    const dp = sumToShape(gemmTensors(g, v, false, true, op), probs.shape);
    const ds = new Tensor(allocZeroed(probs.size), probs.shape);
    softmaxRowsBackward(rows, s, false, probs.data, dp.data, ds.data);
    const gm = mask?.requiresGrad ? sumToShape(ds, mask.shape) : null;
    const gq = q.requiresGrad ? sumToShape(gemmTensors(ds, k, false, false, op, scale), q.shape) : null;
    const gk = k.requiresGrad ? sumToShape(gemmTensors(ds, q, true, false, op, scale), k.shape) : null;
    return [gq, gk, gv, gm];
  });
}
