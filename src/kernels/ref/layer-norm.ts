/**
 * Reference layer normalisation over the last axis, the specification of the
 * native twins. Shapes: x, y, dy, dx: [R, C]; weight, bias, dweight, dbias:
 * [C] or length 0; mean, rstd: [R].
 * A length-0 weight means all ones and a length-0 bias all zeros (no affine
 * part); a length-0 dweight or dbias is not computed.
 *
 *   layerNormForward(rows, cols, eps, x, weight, bias, y, mean, rstd)
 *     mean[r], rstd[r] = 1/sqrt(biased var + eps); y = (x − mean)·rstd·w + b.
 *   layerNormBackward(rows, cols, x, weight, mean, rstd, dy, dx, dweight, dbias)
 *     x̂ = (x − mean)·rstd, ĝ = dy·w,
 *     dx = rstd·(ĝ − mean_c ĝ − x̂·mean_c(ĝ·x̂)); dweight = Σ_r dy·x̂; dbias = Σ_r dy
 *     (dweight and dbias are overwritten, not accumulated).
 *
 * Deliberately plain: two passes for the moments, float64 accumulators,
 * no vectorisation, no threads.
 */
export function layerNormForwardRef(
  rows: number,
  cols: number,
  eps: number,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  y: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
): void {
  const hasW = weight.length > 0;
  const hasB = bias.length > 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    for (let c = 0; c < cols; c++) s += x[o + c]!;
    const mu = s / cols;
    let v = 0;
    for (let c = 0; c < cols; c++) v += (x[o + c]! - mu) ** 2;
    const rs = 1 / Math.sqrt(v / cols + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let c = 0; c < cols; c++) {
      const xh = (x[o + c]! - mu) * rs;
      y[o + c] = (hasW ? xh * weight[c]! : xh) + (hasB ? bias[c]! : 0);
    }
  }
}

export function layerNormBackwardRef(
  rows: number,
  cols: number,
  x: Float32Array,
  weight: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  dweight: Float32Array,
  dbias: Float32Array,
): void {
  const hasW = weight.length > 0;
  const dw = new Float64Array(dweight.length);
  const db = new Float64Array(dbias.length);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const mu = mean[r]!;
    const rs = rstd[r]!;
    let sg = 0;
    let sgx = 0;
    for (let c = 0; c < cols; c++) {
      const xh = (x[o + c]! - mu) * rs;
      const g = hasW ? dy[o + c]! * weight[c]! : dy[o + c]!;
      sg += g;
      sgx += g * xh;
      if (dw.length > 0) dw[c]! += dy[o + c]! * xh;
      if (db.length > 0) db[c]! += dy[o + c]!;
    }
    const mg = sg / cols;
    const mgx = sgx / cols;
    for (let c = 0; c < cols; c++) {
      const xh = (x[o + c]! - mu) * rs;
      const g = hasW ? dy[o + c]! * weight[c]! : dy[o + c]!;
      dx[o + c] = rs * (g - mg - xh * mgx);
    }
  }
  for (let c = 0; c < dw.length; c++) dweight[c] = dw[c]!;
  for (let c = 0; c < db.length; c++) dbias[c] = db[c]!;
}
