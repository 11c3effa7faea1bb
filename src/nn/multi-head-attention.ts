/**
 * Multi-head self-attention (Vaswani et al. 2017, arXiv:1706.03762) with Q,
 * K, V and the output projection as four separately addressable Linear
 * layers (roles q, k, v, proj), so sparsity plans can treat each on its own.
 * Shapes: x: [B, T, C], H heads of D = C/H; q, k, v: [B, T, H·D] (heads split
 * out to [B, H, T, D] only when a mask is given) -> [B, T, C].
 */
import { scaledDotProductAttention } from '../ops/attention.js';
import { headAttention } from '../ops/head-attention.js';
import { reshape } from '../ops/reshape.js';
import { transpose } from '../ops/transpose.js';
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

export interface MultiHeadAttentionOptions {
  readonly rng: Rng;
  /** Biases on q, k, v and proj (default true). */
  readonly bias?: boolean;
  /** Token t attends to tokens 0..t only (default false). */
  readonly causal?: boolean;
}

export interface AttentionCallOptions {
  /** Additive mask broadcastable to [B, H, T, T] (0 keeps, −Infinity blocks), e.g. for padding. */
  readonly mask?: Tensor;
}

/**
 * Self-attention: proj(softmax(q·kᵀ/√D [+ mask]) · v) with heads split from C.
 * Parameter names: `q.weight`, `k.weight`, `v.weight`, `proj.weight` (and biases).
 *
 * @example
 * const attn = new MultiHeadAttention(64, 4, { rng, causal: true });
 * attn.forward(x); // x: [B, T, 64] -> [B, T, 64]
 */
export class MultiHeadAttention extends Module {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly causal: boolean;
  readonly q: Linear;
  readonly k: Linear;
  readonly v: Linear;
  readonly proj: Linear;

  constructor(embedDim: number, numHeads: number, opts: MultiHeadAttentionOptions) {
    super();
    if (!Number.isInteger(numHeads) || numHeads < 1 || !Number.isInteger(embedDim) || embedDim % numHeads !== 0) {
      throw new ArgumentError(`MultiHeadAttention: numHeads ${numHeads} must be a positive integer dividing embedDim ${embedDim}`);
    }
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.causal = opts.causal ?? false;
    const bias = opts.bias ?? true;
    this.q = this.registerModule('q', new Linear(embedDim, embedDim, { rng: opts.rng, bias, role: 'q' }));
    this.k = this.registerModule('k', new Linear(embedDim, embedDim, { rng: opts.rng, bias, role: 'k' }));
    this.v = this.registerModule('v', new Linear(embedDim, embedDim, { rng: opts.rng, bias, role: 'v' }));
    this.proj = this.registerModule('proj', new Linear(embedDim, embedDim, { rng: opts.rng, bias, role: 'proj' }));
  }

  forward(x: Tensor, opts: AttentionCallOptions = {}): Tensor {
    if (x.ndim !== 3 || x.shape[2] !== this.embedDim) {
      throw new ShapeError(`MultiHeadAttention: input must be [B, T, ${this.embedDim}], got ${fmtShape(x.shape)}`);
    }
    const [b, t] = x.shape as [number, number, number];
    if (opts.mask === undefined) {
      // Heads stay packed in the last axis: one fused kernel, no layout copies.
      const y = headAttention(this.q.forward(x), this.k.forward(x), this.v.forward(x), this.numHeads, { causal: this.causal });
      return this.proj.forward(y);
    }
    const heads = (z: Tensor): Tensor => transpose(reshape(z, [b, t, this.numHeads, this.headDim]), 1, 2);
    const y = scaledDotProductAttention(heads(this.q.forward(x)), heads(this.k.forward(x)), heads(this.v.forward(x)), {
      causal: this.causal,
      ...(opts.mask === undefined ? {} : { mask: opts.mask }),
    });
    return this.proj.forward(reshape(transpose(y, 1, 2), [b, t, this.embedDim]));
  }
}
