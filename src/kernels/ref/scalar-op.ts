/**
 * Reference kernels for a tensor combined with one number s, the
 * specification of the native twins. x, g, out: flat arrays of length n.
 *
 *   scalarOp(op, x, s, out)               out[i] = x[i] + s | x[i] · s | x[i]^s
 *   scalarOpBackward(op, x, s, g, out)    out[i] = g[i] · ∂/∂x of the same:
 *                                          g | g·s | g·s·x^(s−1) (0 when s = 0)
 *
 * pow follows Math.pow / std::pow: a negative base with a non-integer
 * exponent gives NaN. The s = 0 case of the pow gradient is 0 everywhere
 * (x^−1 would make 0·∞ at x = 0), as PyTorch does.
 * Deliberately plain: float64 arithmetic, no vectorisation, no threads.
 */
export const ScalarOp = { add: 0, mul: 1, pow: 2 } as const;
export type ScalarOpCode = (typeof ScalarOp)[keyof typeof ScalarOp];

export function scalarOpRef(op: number, x: Float32Array, s: number, out: Float32Array): void {
  const n = out.length;
  switch (op) {
    case 0: for (let i = 0; i < n; i++) out[i] = x[i]! + s; return;
    case 1: for (let i = 0; i < n; i++) out[i] = x[i]! * s; return;
    case 2: for (let i = 0; i < n; i++) out[i] = Math.pow(x[i]!, s); return;
    default: throw new RangeError(`scalarOp: unknown op code ${op}`);
  }
}

export function scalarOpBackwardRef(op: number, x: Float32Array, s: number, g: Float32Array, out: Float32Array): void {
  const n = out.length;
  switch (op) {
    case 0: for (let i = 0; i < n; i++) out[i] = g[i]!; return;
    case 1: for (let i = 0; i < n; i++) out[i] = g[i]! * s; return;
    case 2:
      if (s === 0) out.fill(0);
      else for (let i = 0; i < n; i++) out[i] = g[i]! * s * Math.pow(x[i]!, s - 1);
      return;
    default: throw new RangeError(`scalarOpBackward: unknown op code ${op}`);
  }
}
