/**
 * Reference embedding lookup and its gradient, the specification of the
 * native twins. Shapes: weight, dweight: [V, D]; ids: [N]; y, dy: [N, D].
 * The op checks every id is in [0, V) first.
 *
 *   embeddingForward(n, d, weight, ids, y)    y[i, :] = weight[ids[i], :]
 *   embeddingBackward(n, d, ids, dy, dweight) dweight[ids[i], :] += dy[i, :]
 *     (accumulates: the caller passes zeros; repeated ids add up).
 *
 * Deliberately plain: row copies, no threads.
 */
export function embeddingForwardRef(n: number, d: number, weight: Float32Array, ids: Int32Array, y: Float32Array): void {
  for (let i = 0; i < n; i++) y.set(weight.subarray(ids[i]! * d, ids[i]! * d + d), i * d);
}

export function embeddingBackwardRef(n: number, d: number, ids: Int32Array, dy: Float32Array, dweight: Float32Array): void {
  for (let i = 0; i < n; i++) {
    const o = ids[i]! * d;
    for (let j = 0; j < d; j++) dweight[o + j]! += dy[i * d + j]!;
  }
}
