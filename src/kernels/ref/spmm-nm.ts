/**
 * Reference N:M sparse kernels, the specification of the native ones.
 * Shapes: W [O, K] in NMPacked form (src/formats/nm-packed.ts): values
 * [O, K/M, N], positions log2(M) bits each in one byte-aligned stream per row
 * (rowBytes = ceil((K/M)·N·log2 M / 8)); X [B, K]; Y and dY [B, O].
 * The caller checks the sizes and that positions rise inside each group.
 * Deliberately plain: positions are unpacked bit by bit, sums run in float64
 * in slot order, no blocking and no threads.
 */

/** Column of slot s in row o: its group's first column plus the stored position. */
function column(positions: Uint8Array, rowBase: number, bits: number, n: number, m: number, s: number): number {
  let bit = s * bits;
  let p = 0;
  for (let b = 0; b < bits; b++, bit++) p |= ((positions[rowBase + (bit >> 3)]! >> (bit & 7)) & 1) << b;
  return Math.floor(s / n) * m + p;
}

/**
 * Y = X·Wᵀ + bias (+ Y when accumulate): y[b, o] = bias[o] + Σ_s values[o, s] · x[b, col(o, s)],
 * bias [O] or null for none. The inference forward and the sparse forward of training.
 */
export function nmSpmmRef(
  batch: number,
  rows: number,
  cols: number,
  n: number,
  m: number,
  values: Float32Array,
  positions: Uint8Array,
  x: Float32Array,
  bias: Float32Array | null,
  y: Float32Array,
  accumulate: boolean,
): void {
  const bits = Math.log2(m);
  const spr = (cols / m) * n;
  const rowBytes = Math.ceil((spr * bits) / 8);
  for (let o = 0; o < rows; o++) {
    for (let b = 0; b < batch; b++) {
      let acc = (accumulate ? y[b * rows + o]! : 0) + (bias === null ? 0 : bias[o]!);
      for (let s = 0; s < spr; s++) acc += values[o * spr + s]! * x[b * cols + column(positions, o * rowBytes, bits, n, m, s)]!;
      y[b * rows + o] = acc;
    }
  }
}

/**
 * The weight gradient at the kept positions only (sampled dense–dense
 * product): dValues[o, s] = Σ_b dy[b, o] · x[b, col(o, s)] (+ dValues when accumulate).
 */
export function nmSddmmRef(
  batch: number,
  rows: number,
  cols: number,
  n: number,
  m: number,
  positions: Uint8Array,
  x: Float32Array,
  dy: Float32Array,
  dValues: Float32Array,
  accumulate: boolean,
): void {
  const bits = Math.log2(m);
  const spr = (cols / m) * n;
  const rowBytes = Math.ceil((spr * bits) / 8);
  for (let o = 0; o < rows; o++) {
    for (let s = 0; s < spr; s++) {
      const k = column(positions, o * rowBytes, bits, n, m, s);
      let acc = accumulate ? dValues[o * spr + s]! : 0;
      for (let b = 0; b < batch; b++) acc += dy[b * rows + o]! * x[b * cols + k]!;
      dValues[o * spr + s] = acc;
    }
  }
}
