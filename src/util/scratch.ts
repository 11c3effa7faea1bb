/**
 * Grow-only Float32Array buffers, one per key, for arrays that die within
 * one op call (column or patch matrices, products before their transpose):
 * tens of MB per call otherwise, allocated zero-filled and collected every
 * step. The contents are whatever the last user left; a key's caller must be
 * done with its previous contents before asking for it again.
 *
 * @example
 * const col = scratchOf('conv2d.col', b * k * l); // overwritten in full by im2col
 */
const buffers = new Map<string, Float32Array>();

export function scratchOf(key: string, size: number): Float32Array {
  let buf = buffers.get(key);
  if (buf === undefined || buf.length < size) {
    buf = new Float32Array(size);
    buffers.set(key, buf);
  }
  return buf.subarray(0, size);
}
