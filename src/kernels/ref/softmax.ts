/**
 * Reference row-wise softmax and log-softmax, the specification of the
 * native twins. Shapes: x, y, dy, dx: [R, C] row-major (R rows, C columns).
 *
 *   softmaxRows(rows, cols, log, x, y)
 *     y[r, :] = softmax(x[r, :]), or log-softmax when log is true;
 *     the row maximum is subtracted first, so large logits do not overflow.
 *   softmaxRowsBackward(rows, cols, log, y, dy, dx)
 *     y is the forward output. softmax: dx = y·(dy − Σ dy·y);
 *     log-softmax: dx = dy − exp(y)·Σ dy.
 *
 * A row of all −Infinity gives NaN, as PyTorch does. Deliberately plain: one
 * pass per step, float64 accumulators, no vectorisation, no threads.
 */
export function softmaxRowsRef(rows: number, cols: number, log: boolean, x: Float32Array, y: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (x[o + j]! > max || Number.isNaN(x[o + j]!)) max = x[o + j]!;
    let total = 0;
    for (let j = 0; j < cols; j++) total += Math.exp(x[o + j]! - max);
    if (log) {
      const lse = Math.log(total);
      for (let j = 0; j < cols; j++) y[o + j] = x[o + j]! - max - lse;
    } else {
      for (let j = 0; j < cols; j++) y[o + j] = Math.exp(x[o + j]! - max) / total;
    }
  }
}

export function softmaxRowsBackwardRef(
  rows: number,
  cols: number,
  log: boolean,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    if (log) {
      for (let j = 0; j < cols; j++) dot += dy[o + j]!;
      for (let j = 0; j < cols; j++) dx[o + j] = dy[o + j]! - Math.exp(y[o + j]!) * dot;
    } else {
      for (let j = 0; j < cols; j++) dot += dy[o + j]! * y[o + j]!;
      for (let j = 0; j < cols; j++) dx[o + j] = y[o + j]! * (dy[o + j]! - dot);
    }
  }
}
