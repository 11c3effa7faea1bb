/**
 * 16-bit floats to float32: IEEE half (F16) and bfloat16 (BF16), as stored in
 * safetensors files. Input is the raw 16-bit patterns; output is float32.
 *
 * @example
 * f16ToF32(Uint16Array.of(0x3c00, 0xc000)); // Float32Array [1, -2]
 * bf16ToF32(Uint16Array.of(0x3f80));        // Float32Array [1]
 */

let halfTable: Float32Array | null = null;

/** Decodes one IEEE 754 binary16 bit pattern (subnormals, ±Inf and NaN included). */
export function halfBitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Converts F16 bit patterns to float32 values. */
export function f16ToF32(bits: Uint16Array): Float32Array {
  // 65,536 entries (256 KB) built once: a lookup beats bit-twiddling per element in JS.
  if (halfTable === null) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfBitsToNumber(h);
  }
  const table = halfTable;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}

/** Converts BF16 bit patterns to float32 values: a bfloat16 is the top half of a float32. */
export function bf16ToF32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i]! << 16;
  return out;
}
