/**
 * Multi-head scaled dot-product attention with the heads packed in the last
 * axis (Vaswani et al. 2017, arXiv:1706.03762): the layout Q, K and V
 * projections produce, so no reshape-transpose copies are needed around it.
 * One fused kernel per direction; the probabilities are the only
 * intermediate kept for the backward.
 * Shapes: q [B, T, H·D], k [B, S, H·D], v [B, S, H·Dv] -> [B, T, H·Dv].
 */
import { record } from '../autograd/function.js';
import { headAttention as headAttentionKernel, headAttentionBackward } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { allocOverwritten } from '../tensor/buffer-pool.js';

export interface HeadAttentionOptions {
  /** Query i sees keys 0..i only (top-left aligned, as PyTorch's is_causal). */
  readonly causal?: boolean;
  /** Multiplies q·kᵀ (default 1/sqrt(D)). */
  readonly scale?: number;
}

/**
 * softmax(q_h·k_hᵀ·scale)·v_h for each head h, heads side by side in the
 * output's last axis — the same values as splitting heads out, running
 * scaledDotProductAttention and merging them back.
 *
 * @example
 * const y = headAttention(q, k, v, 4, { causal: true }); // [B, T, 64] each -> [B, T, 64], 4 heads of 16
 */
export function headAttention(q: Tensor, k: Tensor, v: Tensor, heads: number, opts: HeadAttentionOptions = {}): Tensor {
  const op = 'headAttention';
  if (q.ndim !== 3 || k.ndim !== 3 || v.ndim !== 3) {
    throw new ShapeError(`${op}: q, k, v must be [B, T, H·D], got ${fmtShape(q.shape)}, ${fmtShape(k.shape)}, ${fmtShape(v.shape)}`);
  }
  const [b, t, qWidth] = q.shape as [number, number, number];
  const [, s, kWidth] = k.shape as [number, number, number];
  const vWidth = v.shape[2]!;
  if (!Number.isInteger(heads) || heads < 1 || qWidth % heads !== 0 || vWidth % heads !== 0) {
    throw new ArgumentError(`${op}: heads ${heads} must be a positive integer dividing the widths of q (${qWidth}) and v (${vWidth})`);
  }
  if (k.shape[0] !== b || v.shape[0] !== b || kWidth !== qWidth || v.shape[1] !== s) {
    throw new ShapeError(`${op}: q ${fmtShape(q.shape)}, k ${fmtShape(k.shape)}, v ${fmtShape(v.shape)} must be [B, T, H·D], [B, S, H·D], [B, S, H·Dv]`);
  }
  const d = qWidth / heads;
  const dv = vWidth / heads;
  const causal = opts.causal ?? false;
  const scale = opts.scale ?? 1 / Math.sqrt(d);
  if (!Number.isFinite(scale)) throw new ArgumentError(`${op}: scale ${scale} must be a finite number`);

  const out = new Tensor(allocOverwritten(b * t * vWidth), [b, t, vWidth]);
  const probs = allocOverwritten(b * heads * t * s);
  headAttentionKernel(b, heads, t, s, d, dv, causal, scale, q.data, k.data, v.data, out.data, probs);
  return record(op, out, [q, k, v], (g) => {
    const dq = new Tensor(allocOverwritten(q.size), q.shape);
    const dk = new Tensor(allocOverwritten(k.size), k.shape);
    const dvOut = new Tensor(allocOverwritten(v.size), v.shape);
    headAttentionBackward(b, heads, t, s, d, dv, causal, scale, q.data, k.data, v.data, probs, g.data, dq.data, dk.data, dvOut.data);
    return [dq, dk, dvOut];
  });
}
