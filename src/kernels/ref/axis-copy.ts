/**
 * Reference block copy along one axis, the specification of the native twin;
 * slice and concat (and their gradients) are all this one kernel.
 * src is viewed as [O, Asrc, I] and dst as [O, Adst, I] (O outer, I inner,
 * row-major, the same O and I for both).
 *
 *   axisCopy(outer, inner, len, src, srcAxisLen, srcStart, dst, dstAxisLen, dstStart)
 *     dst[o, dstStart + a, i] = src[o, srcStart + a, i] for a in [0, len)
 *
 * Only that block of dst is written; the rest is left as it was (callers
 * that need zeros around it pass a zeroed dst). The ranges must lie inside
 * both axes (the ops check it). Deliberately plain: Float32Array.set per
 * contiguous run, no threads.
 */
export function axisCopyRef(
  outer: number,
  inner: number,
  len: number,
  src: Float32Array,
  srcAxisLen: number,
  srcStart: number,
  dst: Float32Array,
  dstAxisLen: number,
  dstStart: number,
): void {
  const run = len * inner;
  if (run === 0) return;
  for (let o = 0; o < outer; o++) {
    const from = (o * srcAxisLen + srcStart) * inner;
    dst.set(src.subarray(from, from + run), (o * dstAxisLen + dstStart) * inner);
  }
}
