/**
 * Reference sum of x over the dimensions where outStrides is 0:
 * out[io] += x[i] for every x index i, io = Σ idx[d]·outStrides[d].
 * Used for broadcast gradients and for sum/mean over several axes.
 * Deliberately plain: one odometer walk, float64 accumulators.
 */
export function sumToRef(x: Float32Array, xShape: Int32Array, outStrides: Int32Array, out: Float32Array): void {
  const acc = new Float64Array(out.length);
  const nd = xShape.length;
  if (nd === 0) {
    out[0] = x[0]!;
    return;
  }
  const inner = xShape[nd - 1]!;
  const so = outStrides[nd - 1]!;
  const idx = new Int32Array(nd);
  let io = 0;
  for (let i = 0; i < x.length; i += inner) {
    for (let j = 0; j < inner; j++) acc[io + j * so]! += x[i + j]!;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      io += outStrides[d]!;
      if (idx[d]! < xShape[d]!) break;
      io -= outStrides[d]! * xShape[d]!;
      idx[d] = 0;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = acc[i]!;
}
