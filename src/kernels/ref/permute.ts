/**
 * Reference axis permutation, the specification of the native twin.
 * x: contiguous, of shape `shape` (D dimensions); out: contiguous, of shape
 * [shape[perm[0]], …, shape[perm[D−1]]].
 *
 *   permute(x, shape, perm, out)
 *     out[j0, …, jD−1] = x[i] where i[perm[d]] = j[d] (torch.permute's rule).
 *
 * perm must be a permutation of 0..D−1 (the op checks it); D = 0 copies the
 * one value. Deliberately plain: one odometer walk over out, no blocking for
 * cache, no threads.
 */
export function permuteRef(x: Float32Array, shape: Int32Array, perm: Int32Array, out: Float32Array): void {
  const nd = shape.length;
  const total = out.length;
  if (total === 0) return;
  if (nd === 0) {
    out[0] = x[0]!;
    return;
  }
  const xStrides = new Int32Array(nd);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    xStrides[d] = s;
    s *= shape[d]!;
  }
  // out's dimension d walks x with stride xStrides[perm[d]]
  const outShape = new Int32Array(nd);
  const step = new Int32Array(nd);
  for (let d = 0; d < nd; d++) {
    outShape[d] = shape[perm[d]!]!;
    step[d] = xStrides[perm[d]!]!;
  }
  const inner = outShape[nd - 1]!;
  const innerStep = step[nd - 1]!;
  const idx = new Int32Array(nd);
  let ix = 0;
  for (let o = 0; o < total; o += inner) {
    for (let j = 0; j < inner; j++) out[o + j] = x[ix + j * innerStep]!;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      ix += step[d]!;
      if (idx[d]! < outShape[d]!) break;
      ix -= step[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}
