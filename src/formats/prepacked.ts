/**
 * Prepacked layouts of a weight that no longer changes, whatever its format:
 * the one place that knows which formats have one and when it pays (N:M with
 * M <= 32: the row-block layout, nm-row-blocks.ts; CSR dense enough for K
 * blocks: the blocked layout, csr-blocks.ts; BSR: none).
 *
 * @example
 * prepackForInference(w); // compress does this for every weight it does not train
 * dropPrepacked(w);       // before the values change
 */
import { csrBlocks, csrBlocksPay, dropPrepackedCSR, prepackCSR } from './csr-blocks.js';
import { dropPrepackedNM, nmRowBlocks, prepackNM, ROW_BLOCK_MAX_M } from './nm-row-blocks.js';
import type { SparseMatrix } from './sparse-matrix.js';

/** w's prepacked layout, or undefined when it has none. */
export function prepackedLayout(w: SparseMatrix): object | undefined {
  if (w.format === 'nm') return nmRowBlocks(w);
  if (w.format === 'csr') return csrBlocks(w);
  return undefined;
}

/** Gives w its prepacked layout where its format has one that pays, keeping one already made. */
export function prepackForInference(w: SparseMatrix): void {
  if (prepackedLayout(w) !== undefined) return;
  if (w.format === 'nm' && w.m <= ROW_BLOCK_MAX_M) prepackNM(w);
  if (w.format === 'csr' && csrBlocksPay(w)) prepackCSR(w);
}

/** Forgets w's prepacked layout, if any (its values are about to change). */
export function dropPrepacked(w: SparseMatrix): void {
  if (w.format === 'nm') dropPrepackedNM(w);
  if (w.format === 'csr') dropPrepackedCSR(w);
}
