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

/** Floats of one quad (4 slots) of one block of 16 rows in the row-block layout: 64 values, 16 position words. */
export const ROW_BLOCK_QUAD = 80;

/**
 * Y = X·Wᵀ + bias (+ Y when accumulate) with W in the row-block layout
 * (src/formats/nm-row-blocks.ts): for block q of 16 rows and quad u of 4
 * slots (quads = ceil(spr/4)), float (q·quads + u)·80 + 16j + l holds the
 * value of slot 4u + j of row 16q + l, and byte j of the 32-bit word at float
 * (q·quads + u)·80 + 64 + l its position inside its group (little-endian).
 * A position is read through the mask of its window (15 for M <= 16, 31 for
 * M = 32), as the native permutes read it. Requires M <= 32.
 */
export function nmSpmmBlocksRef(
  batch: number,
  rows: number,
  cols: number,
  n: number,
  m: number,
  layout: Float32Array,
  x: Float32Array,
  bias: Float32Array | null,
  y: Float32Array,
  accumulate: boolean,
): void {
  const spr = (cols / m) * n;
  const quads = Math.ceil(spr / 4);
  const window = m <= 16 ? 16 : 32;
  const bytes = new Uint8Array(layout.buffer, layout.byteOffset, layout.byteLength);
  for (let o = 0; o < rows; o++) {
    const q = o >> 4;
    const l = o & 15;
    for (let b = 0; b < batch; b++) {
      let acc = (accumulate ? y[b * rows + o]! : 0) + (bias === null ? 0 : bias[o]!);
      for (let s = 0; s < spr; s++) {
        const at = (q * quads + (s >> 2)) * ROW_BLOCK_QUAD;
        const p = bytes[(at + 64 + l) * 4 + (s & 3)]! & (window - 1);
        acc += layout[at + 16 * (s & 3) + l]! * x[b * cols + Math.floor(s / n) * m + p]!;
      }
      y[b * rows + o] = acc;
    }
  }
}
