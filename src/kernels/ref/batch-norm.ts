/**
 * Reference batch normalisation over [N, C, S] (S = H·W, the spatial size),
 * per channel c over the N·S values, the specification of the native twins.
 * Shapes: x, y, dy, dx: [N, C, S]; mean, rstd, weight, bias, dweight, dbias,
 * variance: [C]. A length-0 weight means all ones, a length-0 bias all zeros; a
 * length-0 dweight or dbias is not computed.
 *
 *   channelMoments(n, c, s, x, mean, variance)
 *     per-channel mean and biased variance (divided by N·S).
 *   batchNormForward(n, c, s, x, mean, rstd, weight, bias, y)
 *     y = (x − mean)·rstd·w + b with the given statistics.
 *   batchNormBackward(n, c, s, batchStats, x, mean, rstd, weight, dy, dx, dweight, dbias)
 *     x̂ = (x − mean)·rstd, ĝ = dy·w. With batchStats (training: mean and rstd
 *     came from this batch) dx = rstd·(ĝ − mean ĝ − x̂·mean(ĝ·x̂)); otherwise the
 *     statistics are constants and dx = rstd·ĝ. dweight = Σ dy·x̂, dbias = Σ dy
 *     (overwritten, not accumulated).
 *
 * Deliberately plain: two passes for the moments, float64 accumulators,
 * no vectorisation, no threads.
 */
export function channelMomentsRef(n: number, c: number, s: number, x: Float32Array, mean: Float32Array, variance: Float32Array): void {
  const count = n * s;
  for (let ch = 0; ch < c; ch++) {
    let total = 0;
    for (let b = 0; b < n; b++) {
      const o = (b * c + ch) * s;
      for (let i = 0; i < s; i++) total += x[o + i]!;
    }
    const mu = total / count;
    let v = 0;
    for (let b = 0; b < n; b++) {
      const o = (b * c + ch) * s;
      for (let i = 0; i < s; i++) v += (x[o + i]! - mu) ** 2;
    }
    mean[ch] = mu;
    variance[ch] = v / count;
  }
}

export function batchNormForwardRef(
  n: number,
  c: number,
  s: number,
  x: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  y: Float32Array,
): void {
  for (let ch = 0; ch < c; ch++) {
    const scale = rstd[ch]! * (weight.length > 0 ? weight[ch]! : 1);
    const shift = (bias.length > 0 ? bias[ch]! : 0) - mean[ch]! * scale;
    for (let b = 0; b < n; b++) {
      const o = (b * c + ch) * s;
      for (let i = 0; i < s; i++) y[o + i] = x[o + i]! * scale + shift;
    }
  }
}

export function batchNormBackwardRef(
  n: number,
  c: number,
  s: number,
  batchStats: boolean,
  x: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  weight: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  dweight: Float32Array,
  dbias: Float32Array,
): void {
  const count = n * s;
  for (let ch = 0; ch < c; ch++) {
    const mu = mean[ch]!;
    const rs = rstd[ch]!;
    const w = weight.length > 0 ? weight[ch]! : 1;
    let sdy = 0;
    let sdyx = 0;
    for (let b = 0; b < n; b++) {
      const o = (b * c + ch) * s;
      for (let i = 0; i < s; i++) {
        sdy += dy[o + i]!;
        sdyx += dy[o + i]! * (x[o + i]! - mu) * rs;
      }
    }
    if (dweight.length > 0) dweight[ch] = sdyx;
    if (dbias.length > 0) dbias[ch] = sdy;
    const mg = (w * sdy) / count;
    const mgx = (w * sdyx) / count;
    for (let b = 0; b < n; b++) {
      const o = (b * c + ch) * s;
      for (let i = 0; i < s; i++) {
        const g = dy[o + i]! * w;
        dx[o + i] = batchStats ? rs * (g - mg - (x[o + i]! - mu) * rs * mgx) : rs * g;
      }
    }
  }
}
