/**
 * Small unsigned integers packed in a byte stream, least significant bit
 * first: value j occupies bits [j·bits, (j+1)·bits). This is how NMPacked
 * stores the position of each kept weight inside its group (2 bits for M = 4,
 * 3 for M = 8, ...), one stream per matrix row, each row starting on a byte.
 *
 * @example
 * const bytes = new Uint8Array(packedBytes(4, 3));
 * writeBits(bytes, 0, 3, 2, 5); // value 5 in slot 2
 * readBits(bytes, 0, 3, 2);     // 5
 */

/** Bytes that hold `count` values of `bits` bits. */
export function packedBytes(count: number, bits: number): number {
  return Math.ceil((count * bits) / 8);
}

/** Writes value v (< 2^bits) as slot j of the stream starting at byte `base`. */
export function writeBits(bytes: Uint8Array, base: number, bits: number, j: number, v: number): void {
  let bit = j * bits;
  for (let b = 0; b < bits; b++, bit++) {
    if ((v >> b) & 1) bytes[base + (bit >> 3)]! |= 1 << (bit & 7);
  }
}

/** Reads slot j of the stream starting at byte `base`. */
export function readBits(bytes: Uint8Array, base: number, bits: number, j: number): number {
  let bit = j * bits;
  let v = 0;
  for (let b = 0; b < bits; b++, bit++) v |= ((bytes[base + (bit >> 3)]! >> (bit & 7)) & 1) << b;
  return v;
}
