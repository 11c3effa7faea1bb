/**
 * Reference cross-entropy over rows of logits, the specification of the
 * native twins. Shapes: logits, dlogits: [R, C]; targets, lse, losses,
 * gradRows: [R]. Targets are class indices; the op checks them first, so
 * every target here is either ignoreIndex or in [0, C).
 *
 *   crossEntropyRows(rows, cols, ignoreIndex, smoothing, logits, targets, lse, losses)
 *     lse[r] = log Σ_c exp(logits[r, c]) (max-subtracted);
 *     losses[r] = (1 − ε)·(lse − logits[r, t]) + ε·mean_c (lse − logits[r, c]),
 *     0 for an ignored row (lse is still written).
 *   crossEntropyRowsBackward(rows, cols, ignoreIndex, smoothing, logits, targets, lse, gradRows, dlogits)
 *     dlogits[r, c] = gradRows[r]·(softmax[r, c] − (1 − ε)·[c = t] − ε/C),
 *     0 for an ignored row. gradRows carries the reduction (1/count for a mean).
 *
 * Deliberately plain: float64 accumulators, no vectorisation, no threads.
 */
export function crossEntropyRowsRef(
  rows: number,
  cols: number,
  ignoreIndex: number,
  smoothing: number,
  logits: Float32Array,
  targets: Int32Array,
  lse: Float32Array,
  losses: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) if (logits[o + c]! > max || Number.isNaN(logits[o + c]!)) max = logits[o + c]!;
    let total = 0;
    let sumLogits = 0;
    for (let c = 0; c < cols; c++) {
      total += Math.exp(logits[o + c]! - max);
      sumLogits += logits[o + c]!;
    }
    const l = max + Math.log(total);
    lse[r] = l;
    const t = targets[r]!;
    if (t === ignoreIndex) {
      losses[r] = 0;
      continue;
    }
    const nll = l - logits[o + t]!;
    const smooth = l - sumLogits / cols;
    losses[r] = (1 - smoothing) * nll + smoothing * smooth;
  }
}

export function crossEntropyRowsBackwardRef(
  rows: number,
  cols: number,
  ignoreIndex: number,
  smoothing: number,
  logits: Float32Array,
  targets: Int32Array,
  lse: Float32Array,
  gradRows: Float32Array,
  dlogits: Float32Array,
): void {
  const uniform = smoothing / cols;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const t = targets[r]!;
    if (t === ignoreIndex) {
      for (let c = 0; c < cols; c++) dlogits[o + c] = 0;
      continue;
    }
    const g = gradRows[r]!;
    const l = lse[r]!;
    for (let c = 0; c < cols; c++) {
      const p = Math.exp(logits[o + c]! - l);
      dlogits[o + c] = g * (p - uniform - (c === t ? 1 - smoothing : 0));
    }
  }
}
