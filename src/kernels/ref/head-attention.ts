/**
 * Reference multi-head attention over token-major layouts, the specification
 * of the native twins (Vaswani et al. 2017, arXiv:1706.03762). Heads stay
 * packed in the last axis, so no layout copies are needed around attention.
 * Shapes: q [B, T, H·D], k [B, S, H·D], v [B, S, H·Dv], out [B, T, H·Dv],
 * probs [B, H, S, T] (key-major: probs[b, h, j, i] is query i's probability
 * of key j, so a kernel's softmax runs down vectors of queries with no
 * reductions across a vector); head h owns columns h·D .. h·D + D − 1.
 *
 *   headAttention(batch, heads, t, s, d, dv, causal, scale, q, k, v, out, probs)
 *     probs[b, h, :, i] = softmax(scale · q[b, i, h]·k[b, :, h]ᵀ), where a
 *     causal query i sees keys 0..i only (the others get probability 0);
 *     out[b, i, h] = Σ_j probs[b, h, j, i] · v[b, j, h].
 *   headAttentionBackward(batch, heads, t, s, d, dv, causal, scale, q, k, v, probs, dout, dq, dk, dvOut)
 *     with dP = dout·vᵀ and dS = P ⊙ (dP − Σ_j P ⊙ dP) per row:
 *     dq = scale · dS·k, dk = scale · dSᵀ·q, dvOut = Pᵀ·dout (all overwritten);
 *     causal only tells which probabilities are zero (they are skipped).
 *
 * Deliberately plain: float64 dot products, no vectorisation, no threads.
 */
export function headAttentionRef(
  batch: number,
  heads: number,
  t: number,
  s: number,
  d: number,
  dv: number,
  causal: boolean,
  scale: number,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  out: Float32Array,
  probs: Float32Array,
): void {
  const row = new Float64Array(s);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < t; i++) {
        const qi = (b * t + i) * heads * d + h * d;
        const seen = causal ? Math.min(s, i + 1) : s;
        let max = -Infinity;
        for (let j = 0; j < seen; j++) {
          const kj = (b * s + j) * heads * d + h * d;
          let dot = 0;
          for (let e = 0; e < d; e++) dot += q[qi + e]! * k[kj + e]!;
          row[j] = scale * dot;
          if (row[j]! > max || Number.isNaN(row[j]!)) max = row[j]!;
        }
        let total = 0;
        for (let j = 0; j < seen; j++) {
          row[j] = Math.exp(row[j]! - max);
          total += row[j]!;
        }
        // probs[b, h, j, i] sits at p + j·t
        const p = (b * heads + h) * s * t + i;
        for (let j = 0; j < s; j++) probs[p + j * t] = j < seen ? row[j]! / total : 0;
        const oi = (b * t + i) * heads * dv + h * dv;
        for (let e = 0; e < dv; e++) {
          let acc = 0;
          for (let j = 0; j < seen; j++) acc += probs[p + j * t]! * v[(b * s + j) * heads * dv + h * dv + e]!;
          out[oi + e] = acc;
        }
      }
    }
  }
}

export function headAttentionBackwardRef(
  batch: number,
  heads: number,
  t: number,
  s: number,
  d: number,
  dv: number,
  causal: boolean,
  scale: number,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  probs: Float32Array,
  dout: Float32Array,
  dq: Float32Array,
  dk: Float32Array,
  dvOut: Float32Array,
): void {
  const ds = new Float64Array(s);
  const qIdx = (b: number, i: number, h: number): number => (b * t + i) * heads * d + h * d;
  const kIdx = (b: number, j: number, h: number): number => (b * s + j) * heads * d + h * d;
  const vIdx = (b: number, j: number, h: number): number => (b * s + j) * heads * dv + h * dv;
  const oIdx = (b: number, i: number, h: number): number => (b * t + i) * heads * dv + h * dv;
  dk.fill(0, 0, batch * s * heads * d);
  dvOut.fill(0, 0, batch * s * heads * dv);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < t; i++) {
        const p = (b * heads + h) * s * t + i;
        const seen = causal ? Math.min(s, i + 1) : s;
        let rowDot = 0;
        for (let j = 0; j < seen; j++) {
          let dp = 0;
          for (let e = 0; e < dv; e++) dp += dout[oIdx(b, i, h) + e]! * v[vIdx(b, j, h) + e]!;
          ds[j] = dp;
          rowDot += probs[p + j * t]! * dp;
        }
        for (let j = 0; j < seen; j++) ds[j] = probs[p + j * t]! * (ds[j]! - rowDot);
        for (let e = 0; e < d; e++) {
          let acc = 0;
          for (let j = 0; j < seen; j++) acc += ds[j]! * k[kIdx(b, j, h) + e]!;
          dq[qIdx(b, i, h) + e] = scale * acc;
        }
        for (let j = 0; j < seen; j++) {
          for (let e = 0; e < d; e++) dk[kIdx(b, j, h) + e] += scale * ds[j]! * q[qIdx(b, i, h) + e]!;
          for (let e = 0; e < dv; e++) dvOut[vIdx(b, j, h) + e] += probs[p + j * t]! * dout[oIdx(b, i, h) + e]!;
        }
      }
    }
  }
}
