/**
 * Sliding-window arguments shared by conv2d and the pools: a number or an
 * [h, w] pair, checked, and the output size they give.
 */
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';

/** A size for both spatial axes, or [height, width]. */
export type Size2 = number | readonly [number, number];

/** The [h, w] pair of a Size2, checked to be integers ≥ min. */
export function pair(v: Size2, name: string, op: string, min: number): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((d) => Number.isInteger(d) && d >= min)) {
    throw new ArgumentError(`${op}: ${name} ${JSON.stringify(v)} must be an integer ≥ ${min} or an [h, w] pair of them`);
  }
  return p;
}

/** floor((in + 2·pad − k)/stride) + 1 per axis; a ShapeError when the window does not fit. */
export function windowOut(
  op: string,
  inShape: readonly number[],
  [h, w]: readonly [number, number],
  [kh, kw]: readonly [number, number],
  [sh, sw]: readonly [number, number],
  [ph, pw]: readonly [number, number],
): [number, number] {
  const oh = Math.floor((h + 2 * ph - kh) / sh) + 1;
  const ow = Math.floor((w + 2 * pw - kw) / sw) + 1;
  if (oh < 1 || ow < 1) {
    throw new ShapeError(`${op}: a ${kh}×${kw} window with padding [${ph}, ${pw}] does not fit input ${fmtShape(inShape)}; use a smaller kernel or more padding`);
  }
  return [oh, ow];
}

export interface PoolOptions {
  /** Window size, a number or [h, w]. */
  readonly kernel: Size2;
  /** Step of the window (default: the kernel size). */
  readonly stride?: Size2;
  /** Padding on each side, at most half the kernel (default 0). */
  readonly padding?: Size2;
}

/** Everything a pooling kernel needs, checked; planes = B·C. */
export interface PoolGeometry {
  planes: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  oh: number;
  ow: number;
  outShape: number[];
}

/** Checks a pool's input and options and works out its output size. */
export function poolGeometry(x: Tensor, opts: PoolOptions, op: string): PoolGeometry {
  if (x.ndim !== 4) throw new ShapeError(`${op}: input must be [B, C, H, W], got ${fmtShape(x.shape)}`);
  const [b, c, h, w] = x.shape as [number, number, number, number];
  const [kh, kw] = pair(opts.kernel, 'kernel', op, 1);
  const [sh, sw] = pair(opts.stride ?? opts.kernel, 'stride', op, 1);
  const [ph, pw] = pair(opts.padding ?? 0, 'padding', op, 0);
  if (2 * ph > kh || 2 * pw > kw) {
    throw new ArgumentError(`${op}: padding [${ph}, ${pw}] must be at most half the kernel [${kh}, ${kw}]`);
  }
  const [oh, ow] = windowOut(op, x.shape, [h, w], [kh, kw], [sh, sw], [ph, pw]);
  return { planes: b * c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, outShape: [b, c, oh, ow] };
}
