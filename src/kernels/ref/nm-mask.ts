/**
 * Reference N:M magnitude mask, the specification of the native kernel.
 * The weight w is read as [outer, dim, inner]; along dim, every run of m
 * consecutive entries (stride inner) is one group, and out gets 1 at the n
 * entries of largest |w| in each group and 0 elsewhere. Ties go to the lower
 * index along dim; NaN counts as smaller than any number.
 *   Linear [O, K], groups along K: outer O, dim K, inner 1
 *   Linear [O, K], groups along O: outer 1, dim O, inner K
 *   Conv2d [O, I, kh, kw], groups along I: outer O, dim I, inner kh·kw
 * The caller checks 1 <= n <= m and that m divides dim.
 * Deliberately plain: repeated scans over each group (n·m, or (m−n)·m when
 * fewer are dropped than kept), no sorting, no threads.
 */
export function nmMaskRef(w: Float32Array, outer: number, dim: number, inner: number, n: number, m: number, out: Float32Array): void {
  const keepFew = n <= m - n;
  const picks = keepFew ? n : m - n;
  const groups = dim / m;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      for (let g = 0; g < groups; g++) {
        const start = base + g * m * inner;
        const end = start + m * inner;
        for (let p = start; p < end; p += inner) out[p] = keepFew ? 0 : 1;
        for (let r = 0; r < picks; r++) {
          let best = -1;
          let bestScore = 0;
          for (let p = start; p < end; p += inner) {
            // Kept entries are marked 1 while picking the kept; dropped ones 0 while picking the dropped.
            if (out[p] !== (keepFew ? 0 : 1)) continue;
            const score = magnitude(w[p]!);
            // Largest first, the earliest among equals; or smallest first, the latest among equals.
            if (best < 0 || (keepFew ? score > bestScore : score <= bestScore)) {
              best = p;
              bestScore = score;
            }
          }
          out[best] = keepFew ? 1 : 0;
        }
      }
    }
  }
}

function magnitude(v: number): number {
  const a = Math.abs(v);
  return a === a ? a : -1;
}
