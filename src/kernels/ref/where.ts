/**
 * Reference broadcasting select, the specification of the native twin.
 * out: contiguous of shape outShape (D dimensions); cond, a, b are read
 * through their strides in out's coordinates (0 along broadcast dimensions),
 * as in the binary kernel.
 *
 *   where(cond, a, b, out, outShape, condStrides, aStrides, bStrides)
 *     out[i] = cond[ic] !== 0 ? a[ia] : b[ib]
 *
 * Any nonzero condition, NaN included, selects a. Deliberately plain: one
 * odometer walk, no vectorisation, no threads.
 */
export function whereRef(
  cond: Float32Array,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  outShape: Int32Array,
  condStrides: Int32Array,
  aStrides: Int32Array,
  bStrides: Int32Array,
): void {
  const nd = outShape.length;
  const total = out.length;
  if (total === 0) return;
  if (nd === 0) {
    out[0] = cond[0] !== 0 ? a[0]! : b[0]!;
    return;
  }
  const inner = outShape[nd - 1]!;
  const sc = condStrides[nd - 1]!;
  const sa = aStrides[nd - 1]!;
  const sb = bStrides[nd - 1]!;
  const idx = new Int32Array(nd);
  let ic = 0;
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < total; o += inner) {
    for (let j = 0; j < inner; j++) out[o + j] = cond[ic + j * sc] !== 0 ? a[ia + j * sa]! : b[ib + j * sb]!;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      ic += condStrides[d]!;
      ia += aStrides[d]!;
      ib += bStrides[d]!;
      if (idx[d]! < outShape[d]!) break;
      ic -= condStrides[d]! * outShape[d]!;
      ia -= aStrides[d]! * outShape[d]!;
      ib -= bStrides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}
