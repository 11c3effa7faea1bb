/**
 * Reference im2row and row2im, the specification of the native twins: the
 * patches of a convolution as rows, channels innermost, which is what a
 * sparse product X·Wᵀ needs when N:M groups run along the input channels
 * (src/sparse/sparse-conv2d.ts). im2col gives the same numbers transposed
 * (one column per output pixel) with channels outermost.
 * Letters: B images, C channels, H×W input, kh×kw kernel, stride sh, sw,
 * zero padding ph, pw, OH×OW output, L = OH·OW, K = kh·kw·C.
 * Shapes: x: [B, C, H, W]; rows: [B, L, K] = [B·L, K].
 *
 *   im2row(b, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, x, rows)
 *     rows[n, y·OW + z, (i·kw + j)·C + ch] = x[n, ch, y·sh − ph + i, z·sw − pw + j], 0 outside.
 *   row2im(b, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, rows, x)
 *     the adjoint: x is overwritten with the sum of every rows entry read
 *     from it, added in the order y, z, i, j.
 *
 * No dilation. Deliberately plain: one loop nest, no threads.
 */
export function im2rowRef(
  b: number,
  c: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  ph: number,
  pw: number,
  oh: number,
  ow: number,
  x: Float32Array,
  rows: Float32Array,
): void {
  const k = kh * kw * c;
  for (let n = 0; n < b; n++) {
    for (let y = 0; y < oh; y++) {
      for (let z = 0; z < ow; z++) {
        const r = (n * oh * ow + y * ow + z) * k;
        for (let i = 0; i < kh; i++) {
          const iy = y * sh - ph + i;
          for (let j = 0; j < kw; j++) {
            const ix = z * sw - pw + j;
            const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
            const o = r + (i * kw + j) * c;
            for (let ch = 0; ch < c; ch++) rows[o + ch] = inside ? x[((n * c + ch) * h + iy) * w + ix]! : 0;
          }
        }
      }
    }
  }
}

export function row2imRef(
  b: number,
  c: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  ph: number,
  pw: number,
  oh: number,
  ow: number,
  rows: Float32Array,
  x: Float32Array,
): void {
  const k = kh * kw * c;
  x.fill(0, 0, b * c * h * w);
  for (let n = 0; n < b; n++) {
    for (let y = 0; y < oh; y++) {
      for (let z = 0; z < ow; z++) {
        const r = (n * oh * ow + y * ow + z) * k;
        for (let i = 0; i < kh; i++) {
          const iy = y * sh - ph + i;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = z * sw - pw + j;
            if (ix < 0 || ix >= w) continue;
            const o = r + (i * kw + j) * c;
            for (let ch = 0; ch < c; ch++) x[((n * c + ch) * h + iy) * w + ix]! += rows[o + ch]!;
          }
        }
      }
    }
  }
}
