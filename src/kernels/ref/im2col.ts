/**
 * Reference im2col and col2im for 2-D convolution, the specification of the
 * native twins. Letters: B images, C channels, H×W input, kh×kw kernel,
 * stride sh, sw, zero padding ph, pw, OH×OW output, L = OH·OW.
 * Shapes: x: [B, C, H, W]; col: [B, C·kh·kw, L] with row (c·kh + i)·kw + j,
 * the layout of a weight [O, C, kh, kw] read as [O, C·kh·kw], so a group's
 * rows are contiguous.
 *
 *   im2col(b, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, x, col)
 *     col[n, (c·kh + i)·kw + j, y·OW + z] = x[n, c, y·sh − ph + i, z·sw − pw + j], 0 outside.
 *   col2im(b, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, col, x)
 *     the adjoint: x is overwritten with the sum of every col entry read from it.
 *
 * No dilation. Deliberately plain: one loop nest, no threads.
 */
export function im2colRef(
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
  col: Float32Array,
): void {
  const l = oh * ow;
  for (let n = 0; n < b; n++) {
    for (let ch = 0; ch < c; ch++) {
      const xo = (n * c + ch) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const ro = (n * c * kh * kw + (ch * kh + i) * kw + j) * l;
          for (let y = 0; y < oh; y++) {
            const iy = y * sh - ph + i;
            for (let z = 0; z < ow; z++) {
              const ix = z * sw - pw + j;
              col[ro + y * ow + z] = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[xo + iy * w + ix]! : 0;
            }
          }
        }
      }
    }
  }
}

export function col2imRef(
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
  col: Float32Array,
  x: Float32Array,
): void {
  const l = oh * ow;
  x.fill(0, 0, b * c * h * w);
  for (let n = 0; n < b; n++) {
    for (let ch = 0; ch < c; ch++) {
      const xo = (n * c + ch) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const ro = (n * c * kh * kw + (ch * kh + i) * kw + j) * l;
          for (let y = 0; y < oh; y++) {
            const iy = y * sh - ph + i;
            if (iy < 0 || iy >= h) continue;
            for (let z = 0; z < ow; z++) {
              const ix = z * sw - pw + j;
              if (ix >= 0 && ix < w) x[xo + iy * w + ix]! += col[ro + y * ow + z]!;
            }
          }
        }
      }
    }
  }
}
