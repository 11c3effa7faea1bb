/**
 * The row-block layout of an N:M weight: a second, prepacked copy for
 * inference at small batches, made once when the weight stops changing.
 *
 * Why: at batch 1 a product reads each weight once, so it is bound by memory
 * and by the work of finding each weight's input. In NMPacked's row-major
 * layout a row's 16 consecutive slots span 16 groups (128 columns at 1:8),
 * which the native kernel picks from with four permutes and blends. Here 16
 * rows share a vector, slot by slot, so the 16 lanes of a slot share its group
 * and one permute of one window of x serves them: about a quarter of the
 * shuffle work, for the same bytes (4 per value and 1 per position).
 *
 * Layout (floats, see nmSpmmBlocksRef): for block q of 16 rows and quad u of 4
 * slots, 80 floats at (q·quads + u)·80: the values of slots 4u..4u+3 (16
 * lanes each), then 16 words whose byte j is slot 4u + j's position in its
 * group. Rows past the last and slots past spr are zeros.
 *
 * The layout is a copy: after prepackNM(w), w's values must not change, or
 * spmm would go on using the old ones. compress() prepacks only weights it
 * does not make trainable; call prepackNM again after changing values by hand.
 *
 * @example
 * prepackNM(w);            // w: NMPacked, M <= 32
 * spmm(w, x, 1, y);        // batch 1 at 1:8: the row-block kernel
 */
import { alignedFloats } from '../kernels/aligned-floats.js';
import { ROW_BLOCK_QUAD } from '../kernels/ref/spmm-nm.js';
import { ArgumentError } from '../util/errors.js';
import { readBits } from './bit-pack.js';
import type { NMPacked } from './nm-packed.js';

/** Batches up to this size take the row-block kernel (above it the panel and lane paths reuse each weight enough). */
export const ROW_BLOCK_MAX_BATCH = 4;

/** Largest M the layout takes: a group's window must fit two vectors. */
export const ROW_BLOCK_MAX_M = 32;

const layouts = new WeakMap<NMPacked, Float32Array>();

/** w's prepacked row-block layout, or undefined when prepackNM has not been called on it. */
export function nmRowBlocks(w: NMPacked): Float32Array | undefined {
  return layouts.get(w);
}

/**
 * The layout spmm runs `batch` rows of w on: the prepacked one for batches up
 * to 4, except at batch 1 for patterns denser than 1 in 8. There each weight is
 * read once, so bytes decide, and the layout's byte per position is more than
 * NMPacked's 2 bits (2:4 at 3072×768, 1 thread: 0.23 against 0.19 ms; 1:8:
 * 0.057 against 0.093 ms).
 */
export function rowBlocksFor(w: NMPacked, batch: number): Float32Array | undefined {
  if (batch > ROW_BLOCK_MAX_BATCH || (batch === 1 && w.m < 8 * w.n)) return undefined;
  return layouts.get(w);
}

/**
 * Builds w's row-block layout and keeps it beside w (replacing an older one),
 * so that spmm runs batches up to ROW_BLOCK_MAX_BATCH on it. Throws when M
 * is above 32. Costs one more copy of the weight (4.5 bytes a kept weight at 1:8).
 */
export function prepackNM(w: NMPacked): void {
  if (w.m > ROW_BLOCK_MAX_M) {
    throw new ArgumentError(`prepackNM: M = ${w.m} is above ${ROW_BLOCK_MAX_M}, the widest group the row-block layout takes; leave this weight unpacked (spmm runs it as it is)`);
  }
  layouts.set(w, rowBlockLayout(w));
}

/** Forgets w's prepacked layout (its values are about to change); spmm reads NMPacked again. */
export function dropPrepackedNM(w: NMPacked): void {
  layouts.delete(w);
}

/** The row-block layout of w (see the file's comment). */
export function rowBlockLayout(w: NMPacked): Float32Array {
  const spr = w.slotsPerRow;
  const quads = Math.ceil(spr / 4);
  const lay = alignedFloats(Math.ceil(w.rows / 16) * quads * ROW_BLOCK_QUAD);
  const bytes = new Uint8Array(lay.buffer, lay.byteOffset, lay.byteLength);
  for (let o = 0; o < w.rows; o++) {
    const block = (o >> 4) * quads;
    const l = o & 15;
    for (let s = 0; s < spr; s++) {
      const at = (block + (s >> 2)) * ROW_BLOCK_QUAD;
      lay[at + 16 * (s & 3) + l] = w.values[o * spr + s]!;
      bytes[(at + 64 + l) * 4 + (s & 3)] = readBits(w.positions, o * w.rowBytes, w.bits, s);
    }
  }
  return lay;
}
