/**
 * Reference 2-D convolution (cross-correlation, groups 1), the specification
 * of the fused native kernels. Letters: B images, C input channels, O output
 * channels, H×W input, kh×kw kernel, stride sh, sw, zero padding ph, pw,
 * OH×OW output (OH = ⌊(H + 2·ph − kh)/sh⌋ + 1, likewise OW).
 * Shapes: x, dx: [B, C, H, W]; weight, dw: [O, C, kh, kw]; bias: [O] or
 * length 0 (none); y, dy: [B, O, OH, OW]. Outputs are overwritten.
 *
 *   conv2dForward(b, c, h, w, o, kh, kw, sh, sw, ph, pw, oh, ow, x, weight, bias, y)
 *     y[n, o, p, q] = bias[o] + Σ_{c, i, j} weight[o, c, i, j] · x[n, c, p·sh − ph + i, q·sw − pw + j]
 *     (x is 0 outside the image).
 *   conv2dBackwardInput(b, c, h, w, o, kh, kw, sh, sw, ph, pw, oh, ow, dy, weight, dx)
 *     dx = the adjoint of the forward in x: each dy[n, o, p, q] · weight[o, c, i, j]
 *     added to the pixel it read.
 *   conv2dBackwardWeight(b, c, h, w, o, kh, kw, sh, sw, ph, pw, oh, ow, x, dy, dw)
 *     dw[o, c, i, j] = Σ_{n, p, q} dy[n, o, p, q] · x[n, c, p·sh − ph + i, q·sw − pw + j].
 *
 * Deliberately plain: direct loops by the definition, float64 sums, no
 * im2col, no GEMM, no threads, no groups or dilation.
 */
export function conv2dForwardRef(
  b: number,
  c: number,
  h: number,
  w: number,
  o: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  ph: number,
  pw: number,
  oh: number,
  ow: number,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  y: Float32Array,
): void {
  for (let n = 0; n < b; n++) {
    for (let oc = 0; oc < o; oc++) {
      for (let p = 0; p < oh; p++) {
        for (let q = 0; q < ow; q++) {
          let acc = bias.length === 0 ? 0 : bias[oc]!;
          for (let ch = 0; ch < c; ch++) {
            for (let i = 0; i < kh; i++) {
              const iy = p * sh - ph + i;
              if (iy < 0 || iy >= h) continue;
              for (let j = 0; j < kw; j++) {
                const ix = q * sw - pw + j;
                if (ix >= 0 && ix < w) acc += weight[((oc * c + ch) * kh + i) * kw + j]! * x[((n * c + ch) * h + iy) * w + ix]!;
              }
            }
          }
          y[((n * o + oc) * oh + p) * ow + q] = acc;
        }
      }
    }
  }
}

export function conv2dBackwardInputRef(
  b: number,
  c: number,
  h: number,
  w: number,
  o: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  ph: number,
  pw: number,
  oh: number,
  ow: number,
  dy: Float32Array,
  weight: Float32Array,
  dx: Float32Array,
): void {
  const acc = new Float64Array(b * c * h * w);
  for (let n = 0; n < b; n++) {
    for (let oc = 0; oc < o; oc++) {
      for (let p = 0; p < oh; p++) {
        for (let q = 0; q < ow; q++) {
          const g = dy[((n * o + oc) * oh + p) * ow + q]!;
          for (let ch = 0; ch < c; ch++) {
            for (let i = 0; i < kh; i++) {
              const iy = p * sh - ph + i;
              if (iy < 0 || iy >= h) continue;
              for (let j = 0; j < kw; j++) {
                const ix = q * sw - pw + j;
                if (ix >= 0 && ix < w) acc[((n * c + ch) * h + iy) * w + ix]! += g * weight[((oc * c + ch) * kh + i) * kw + j]!;
              }
            }
          }
        }
      }
    }
  }
  dx.set(acc);
}

export function conv2dBackwardWeightRef(
  b: number,
  c: number,
  h: number,
  w: number,
  o: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  ph: number,
  pw: number,
  oh: number,
  ow: number,
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
): void {
  for (let oc = 0; oc < o; oc++) {
    for (let ch = 0; ch < c; ch++) {
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          let acc = 0;
          for (let n = 0; n < b; n++) {
            for (let p = 0; p < oh; p++) {
              const iy = p * sh - ph + i;
              if (iy < 0 || iy >= h) continue;
              for (let q = 0; q < ow; q++) {
                const ix = q * sw - pw + j;
                if (ix >= 0 && ix < w) acc += dy[((n * o + oc) * oh + p) * ow + q]! * x[((n * c + ch) * h + iy) * w + ix]!;
              }
            }
          }
          dw[((oc * c + ch) * kh + i) * kw + j] = acc;
        }
      }
    }
  }
}
