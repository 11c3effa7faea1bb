/**
 * Reference broadcasting binary kernel: out[i] = f(a[ia], b[ib]) over the
 * output's shape, where aStrides / bStrides are the inputs' strides in output
 * coordinates (0 along broadcast dimensions).
 * Deliberately plain: one odometer walk, no vectorisation, no threads.
 */
export const BinaryOp = { add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5, pow: 6 } as const;
export type BinaryOpCode = (typeof BinaryOp)[keyof typeof BinaryOp];

function apply(op: number, x: number, y: number): number {
  switch (op) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x * y;
    case 3: return x / y;
    case 4: return x >= y || Number.isNaN(x) ? x : y;
    case 5: return x <= y || Number.isNaN(x) ? x : y;
    default: return Math.pow(x, y);
  }
}

export function binaryRef(
  op: number,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  outShape: Int32Array,
  aStrides: Int32Array,
  bStrides: Int32Array,
): void {
  const nd = outShape.length;
  const total = out.length;
  if (total === 0) return;
  if (nd === 0) {
    out[0] = apply(op, a[0]!, b[0]!);
    return;
  }
  const inner = outShape[nd - 1]!;
  const sa = aStrides[nd - 1]!;
  const sb = bStrides[nd - 1]!;
  const idx = new Int32Array(nd);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < total; o += inner) {
    for (let j = 0; j < inner; j++) out[o + j] = apply(op, a[ia + j * sa]!, b[ib + j * sb]!);
    // advance the odometer over the outer dimensions
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      ia += aStrides[d]!;
      ib += bStrides[d]!;
      if (idx[d]! < outShape[d]!) break;
      ia -= aStrides[d]! * outShape[d]!;
      ib -= bStrides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}
