/**
 * Reference 2-D max and average pooling, the specification of the native
 * twins. Letters: P planes (B·C), H×W input, kh×kw window, stride sh, sw,
 * padding ph, pw, OH×OW output. Shapes: x, dx: [P, H, W]; y, dy, argmax:
 * [P, OH, OW]; argmax holds the flat index y·W + x inside the plane.
 *
 *   maxPool2dForward(planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow, x, y, argmax)
 *     padding counts as −Infinity; NaN wins, as in PyTorch.
 *   maxPool2dBackward(planes, h, w, oh, ow, argmax, dy, dx)
 *     dx overwritten: each dy goes to its window's argmax.
 *   avgPool2dForward(planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow, countIncludePad, x, y)
 *     sum over the window's in-bounds values divided by kh·kw when
 *     countIncludePad, else by the number of in-bounds values.
 *   avgPool2dBackward(planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow, countIncludePad, dy, dx)
 *     dx overwritten: each dy spread evenly over its window's in-bounds values.
 *
 * Windows never run past the padded input (floor mode, no ceil mode, no
 * dilation). Deliberately plain: one loop nest, no threads.
 */
export function maxPool2dForwardRef(
  planes: number,
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
  y: Float32Array,
  argmax: Int32Array,
): void {
  for (let p = 0; p < planes; p++) {
    const xo = p * h * w;
    const yo = p * oh * ow;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let best = -Infinity;
        let at = -1;
        for (let i = 0; i < kh; i++) {
          const iy = oy * sh - ph + i;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = ox * sw - pw + j;
            if (ix < 0 || ix >= w) continue;
            const v = x[xo + iy * w + ix]!;
            if (at < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
              best = v;
              at = iy * w + ix;
            }
          }
        }
        y[yo + oy * ow + ox] = best;
        argmax[yo + oy * ow + ox] = at;
      }
    }
  }
}

export function maxPool2dBackwardRef(
  planes: number,
  h: number,
  w: number,
  oh: number,
  ow: number,
  argmax: Int32Array,
  dy: Float32Array,
  dx: Float32Array,
): void {
  dx.fill(0, 0, planes * h * w);
  for (let p = 0; p < planes; p++) {
    for (let o = 0; o < oh * ow; o++) {
      const at = argmax[p * oh * ow + o]!;
      if (at >= 0) dx[p * h * w + at]! += dy[p * oh * ow + o]!;
    }
  }
}

export function avgPool2dForwardRef(
  planes: number,
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
  countIncludePad: boolean,
  x: Float32Array,
  y: Float32Array,
): void {
  for (let p = 0; p < planes; p++) {
    const xo = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let total = 0;
        let inside = 0;
        for (let i = 0; i < kh; i++) {
          const iy = oy * sh - ph + i;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = ox * sw - pw + j;
            if (ix < 0 || ix >= w) continue;
            total += x[xo + iy * w + ix]!;
            inside++;
          }
        }
        y[(p * oh + oy) * ow + ox] = total / (countIncludePad ? kh * kw : inside);
      }
    }
  }
}

export function avgPool2dBackwardRef(
  planes: number,
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
  countIncludePad: boolean,
  dy: Float32Array,
  dx: Float32Array,
): void {
  dx.fill(0, 0, planes * h * w);
  for (let p = 0; p < planes; p++) {
    const xo = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let inside = 0;
        if (!countIncludePad) {
          for (let i = 0; i < kh; i++) {
            const iy = oy * sh - ph + i;
            for (let j = 0; j < kw; j++) {
              const ix = ox * sw - pw + j;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) inside++;
            }
          }
        }
        const g = dy[(p * oh + oy) * ow + ox]! / (countIncludePad ? kh * kw : inside);
        for (let i = 0; i < kh; i++) {
          const iy = oy * sh - ph + i;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = ox * sw - pw + j;
            if (ix >= 0 && ix < w) dx[xo + iy * w + ix]! += g;
          }
        }
      }
    }
  }
}
