/**
 * Reference max along one axis, the specification of the native twins.
 * x is viewed as [O, A, I] (O outer, A the reduced axis, I inner, row-major);
 * out and arg are [O, I]; g is [O, I] and dx is [O, A, I].
 *
 *   reduceMax(outer, axisLen, inner, x, out, arg)
 *     out[o, i] = max over a of x[o, a, i]; arg[o, i] = the first a that
 *     attains it. A NaN wins (the first NaN), as torch.max propagates NaN.
 *   reduceMaxBackward(outer, axisLen, inner, g, arg, dx)
 *     dx[o, a, i] = g[o, i] where a = arg[o, i], else 0 (writes all of dx).
 *
 * axisLen must be at least 1 (the op rejects empty axes). Deliberately plain:
 * no vectorisation, no threads; ties send the whole gradient to the first.
 */
export function reduceMaxRef(
  outer: number,
  axisLen: number,
  inner: number,
  x: Float32Array,
  out: Float32Array,
  arg: Int32Array,
): void {
  for (let o = 0; o < outer; o++) {
    const base = o * axisLen * inner;
    for (let i = 0; i < inner; i++) {
      let best = x[base + i]!;
      let at = 0;
      for (let a = 1; a < axisLen && !Number.isNaN(best); a++) {
        const v = x[base + a * inner + i]!;
        if (v > best || Number.isNaN(v)) {
          best = v;
          at = a;
        }
      }
      out[o * inner + i] = best;
      arg[o * inner + i] = at;
    }
  }
}

export function reduceMaxBackwardRef(
  outer: number,
  axisLen: number,
  inner: number,
  g: Float32Array,
  arg: Int32Array,
  dx: Float32Array,
): void {
  dx.fill(0);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      dx[(o * axisLen + arg[o * inner + i]!) * inner + i] = g[o * inner + i]!;
    }
  }
}
