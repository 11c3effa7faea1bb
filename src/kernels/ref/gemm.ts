/**
 * Reference batched GEMM, the specification of the native kernel:
 *   for b in 0..batch: C_b = alpha · op(A_b) · op(B_b) + beta · C_b
 * op(A): [M, K] — stored [M, K] with row stride lda, or [K, M] when transA.
 * op(B): [K, N] — stored [K, N] with row stride ldb, or [N, K] when transB.
 * C: [M, N] with row stride ldc. A_b starts at b·strideA (0 repeats one matrix).
 * beta = 0 ignores C's old contents (even NaN), as BLAS does.
 * Deliberately plain: no blocking, no threads, accumulates in float64.
 */
export function gemmRef(
  batch: number,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  strideA: number,
  lda: number,
  b: Float32Array,
  strideB: number,
  ldb: number,
  beta: number,
  c: Float32Array,
  strideC: number,
  ldc: number,
): void {
  const row = new Float64Array(n);
  for (let bi = 0; bi < batch; bi++) {
    const a0 = bi * strideA;
    const b0 = bi * strideB;
    const c0 = bi * strideC;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const av = transA ? a[a0 + p * lda + i]! : a[a0 + i * lda + p]!;
        if (transB) {
          for (let j = 0; j < n; j++) row[j]! += av * b[b0 + j * ldb + p]!;
        } else {
          const bRow = b0 + p * ldb;
          for (let j = 0; j < n; j++) row[j]! += av * b[bRow + j]!;
        }
      }
      const cRow = c0 + i * ldc;
      for (let j = 0; j < n; j++) {
        c[cRow + j] = beta === 0 ? alpha * row[j]! : alpha * row[j]! + beta * c[cRow + j]!;
      }
    }
  }
}
