/**
 * Float32 arrays that start on a 64-byte line (as PyTorch's CPU allocator
 * aligns its tensors). A typed array's memory comes from malloc, 16-byte
 * aligned, so a vector kernel's 64-byte loads and stores straddle two lines;
 * for arrays the kernels stream (a prepacked weight, say) that costs time.
 * Without the native addon (whose kernels are the reason) a plain array.
 *
 * @example
 * const lay = alignedFloats(80 * blocks); // lay.byteOffset is whatever puts lay[0] on a line
 */
import { loadNative } from './native/binding.js';

/** Floats of slack to find a line start in: one line. */
const SLACK = 16;

/** n zeroed floats whose first element starts a 64-byte line (when the addon is built). */
export function alignedFloats(n: number): Float32Array {
  const native = loadNative();
  if (native === null) return new Float32Array(n);
  const buf = new Float32Array(n + SLACK);
  const skip = ((64 - native.addressMod64(buf)) % 64) / 4;
  return Number.isInteger(skip) ? buf.subarray(skip, skip + n) : buf.subarray(0, n);
}
